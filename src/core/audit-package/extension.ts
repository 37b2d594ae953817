import type { Extension } from "../registry";
import { auditPackageEvents } from "./events-catalog";
import { auditPackageJob, auditPackagePolicy } from "./service";

/** Audit packages: the signed ZIP an auditor takes away. */
export const auditPackageExtension: Extension = { name: "audit-package", events: auditPackageEvents, policies: [auditPackagePolicy], jobs: [auditPackageJob] };
