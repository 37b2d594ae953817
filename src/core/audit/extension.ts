import type { Extension } from "../registry";
import { auditEventEvidence } from "./evidence";

/** The audit trail: its events are searchable evidence for administrators. */
export const auditExtension: Extension = { name: "audit", evidenceSources: [auditEventEvidence] };
