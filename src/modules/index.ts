import type { Module } from "../core/items/define";
import { improvementModule } from "./improvement";

/**
 * The management-system modules this build installs: each declares its record types and
 * workflows, and the core gives them storage, versions, approval, signing, retention, access,
 * search, evidence and audit. The server, the worker, the CLI and the test harness all load
 * this list, so a module is installed by adding it here and nowhere else.
 */
export const installedModules: readonly Module[] = [improvementModule];
