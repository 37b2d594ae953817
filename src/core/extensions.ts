import { auditPackageExtension } from "./audit-package/extension";
import { auditExtension } from "./audit/extension";
import { authExtension } from "./auth/extension";
import { contractsExtension } from "./contracts/extension";
import { documentsExtension } from "./documents/extension";
import { evidenceExtension } from "./evidence/extension";
import { filesExtension } from "./files/extension";
import { organisationExtension } from "./organisation/extension";
import { recordsExtension } from "./records/extension";
import type { Module } from "./items/define";
import { itemsExtension, moduleExtension } from "./items/extension";
import { maintenanceExtension } from "./maintenance/extension";
import { Registry, type Extension } from "./registry";
import { signaturesExtension } from "./signatures/extension";
import { usersExtension } from "./users/extension";

/** The core areas, each registering what it owns. */
export const coreExtensions: readonly Extension[] = [
  authExtension,
  usersExtension,
  organisationExtension,
  filesExtension,
  documentsExtension,
  recordsExtension,
  contractsExtension,
  signaturesExtension,
  evidenceExtension,
  auditPackageExtension,
  auditExtension,
  maintenanceExtension,
];

/**
 * The registry of an instance: the core areas, the given modules, and what the module framework
 * derives from the modules' record types (their policy, events, evidence, signature source).
 */
export function createRegistry(modules: readonly (Module | Extension)[] = []): Registry {
  const extensions = modules.map((m) => ("recordTypes" in m && "title" in m ? moduleExtension(m as Module) : (m as Extension)));
  const types = extensions.flatMap((e) => e.recordTypes ?? []);
  return new Registry([...coreExtensions, itemsExtension(types), ...extensions]);
}
