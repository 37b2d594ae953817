import type { Extension } from "../registry";
import { evidenceEvents } from "./events";
import { auditGrantPolicy } from "./grants";

/** Audit retrieval: auditor grants, evidence search and the matrix. */
export const evidenceExtension: Extension = { name: "evidence", events: evidenceEvents, policies: [auditGrantPolicy] };
