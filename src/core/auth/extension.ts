import type { Extension } from "../registry";
import { authEvents } from "./events";
import { apiTokenPolicy } from "./service";

/** Signing in, sessions and API tokens. */
export const authExtension: Extension = { name: "auth", events: authEvents, policies: [apiTokenPolicy] };
