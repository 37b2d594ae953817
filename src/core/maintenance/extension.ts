import type { Extension } from "../registry";
import { databaseAnalyzeJob, databaseVacuumJob } from "./jobs";

/** Upkeep of the database itself: the embedded default has no autovacuum. */
export const maintenanceExtension: Extension = { name: "maintenance", jobs: [databaseAnalyzeJob, databaseVacuumJob] };
