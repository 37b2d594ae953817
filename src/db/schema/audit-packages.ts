import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { tstz } from "../columns";
import { blobs } from "./files";
import { users } from "./users";

/**
 * Audit packages: an evidence selection exported as a signed ZIP by a background job. The row
 * carries the job's progress (items, files and bytes done against their totals) for the progress
 * bar, and once done the package's blob (content-addressed, so its SHA-256 is the package's).
 */
export const auditPackages = pgTable(
  "audit_packages",
  {
    id: text("id").primaryKey(),
    requestedBy: text("requested_by")
      .notNull()
      .references(() => users.id),
    /** The EvidenceSelection as asked for (refs, or clauses and a period). */
    selection: jsonb("selection").notNull(),
    /** Where the request came from, carried into the export's audit event. */
    request: jsonb("request").notNull(),
    status: text("status").notNull(),
    itemsTotal: integer("items_total"),
    itemsDone: integer("items_done").notNull().default(0),
    filesTotal: integer("files_total"),
    filesDone: integer("files_done").notNull().default(0),
    bytesTotal: bigint("bytes_total", { mode: "number" }),
    bytesDone: bigint("bytes_done", { mode: "number" }).notNull().default(0),
    /** The highest classification among the items exported (the package is classified at it). */
    classification: text("classification"),
    packageSha256: text("package_sha256").references(() => blobs.sha256),
    packageSize: bigint("package_size", { mode: "number" }),
    manifestSha256: text("manifest_sha256"),
    chainHeadSeq: bigint("chain_head_seq", { mode: "number" }),
    chainHeadHash: text("chain_head_hash"),
    errorCode: text("error_code"),
    error: text("error"),
    createdAt: tstz("created_at").notNull(),
    startedAt: tstz("started_at"),
    updatedAt: tstz("updated_at").notNull(),
    finishedAt: tstz("finished_at"),
  },
  (t) => [
    check("audit_packages_status", sql`${t.status} in ('queued','running','done','failed')`),
    check("audit_packages_done", sql`${t.status} <> 'done' or ${t.packageSha256} is not null`),
    index("audit_packages_requester_idx").on(t.requestedBy, t.createdAt),
  ],
);

export type AuditPackageRow = typeof auditPackages.$inferSelect;
