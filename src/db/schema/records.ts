import { sql } from "drizzle-orm";
import { bigint, boolean, check, date, index, integer, jsonb, pgSequence, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamps, tstz } from "../columns";
import { blobs } from "./files";
import { departments } from "./organisation";
import { users } from "./users";

const CLASSIFICATION_CHECK = "('public','internal','secret','confidential','top-secret')";

/**
 * The file plan (4.3.2.2): record classes with the clause they evidence, how long their records
 * are kept (months or years after a trigger, or permanently) and what happens at the end.
 * A class in use cannot be deleted (the records' foreign key refuses it too).
 */
export const recordClasses = pgTable(
  "record_classes",
  {
    id: text("id").primaryKey(),
    code: text("code").notNull().unique(),
    name: text("name").notNull(),
    nameEn: text("name_en").notNull(),
    /** The clause of the standard the records evidence, e.g. "7.3.2.4". */
    clause: text("clause").notNull(),
    description: text("description"),
    /** Null when kept permanently. */
    retentionAmount: integer("retention_amount"),
    retentionUnit: text("retention_unit").notNull(),
    trigger: text("trigger").notNull(),
    disposition: text("disposition").notNull(),
    defaultClassification: text("default_classification").notNull(),
    /** Signed results of this template are declared into this class. */
    templateId: text("template_id").unique(),
    builtIn: boolean("built_in").notNull().default(false),
    ...timestamps,
  },
  (t) => [
    check("record_classes_unit", sql`${t.retentionUnit} in ('months','years','permanent')`),
    check(
      "record_classes_period",
      sql`(${t.retentionUnit} = 'permanent' and ${t.retentionAmount} is null) or (${t.retentionUnit} <> 'permanent' and ${t.retentionAmount} between 1 and 1200)`,
    ),
    check(
      "record_classes_trigger",
      sql`${t.trigger} in ('creation','document-superseded','employment-end','contract-end','case-closed','record-date')`,
    ),
    check("record_classes_disposition", sql`${t.disposition} in ('destroy','review','transfer','permanent')`),
    check("record_classes_permanent", sql`(${t.disposition} = 'permanent') = (${t.retentionUnit} = 'permanent')`),
    check("record_classes_classification", sql.raw(`default_classification in ${CLASSIFICATION_CHECK}`)),
  ],
);

/** Record numbers (R2026-000001 …) are never reused. */
export const recordNumberSeq = pgSequence("record_number_seq", { startWith: 1 });

/**
 * A declared record. Its content (a blob) is immutable once declared: the database refuses a
 * change of `content_sha256` and any DELETE (see the migration's triggers). Destruction deletes
 * the bytes from storage and keeps this row, with status `destroyed`. `trigger_date` and `due_on`
 * are derived from the class and the retention events and stored so that the disposal list and
 * retrieval by period are plain indexed queries; the service recomputes them whenever an input changes.
 */
export const records = pgTable(
  "records",
  {
    id: text("id").primaryKey(),
    number: text("number").notNull().unique(),
    classId: text("class_id")
      .notNull()
      .references(() => recordClasses.id),
    title: text("title").notNull(),
    description: text("description"),
    /** The date on the record (date issued, date signed …). */
    recordDate: date("record_date", { mode: "string" }).notNull(),
    author: text("author").notNull(),
    departmentId: text("department_id").references(() => departments.id),
    classification: text("classification").notNull(),
    contentSha256: text("content_sha256").references(() => blobs.sha256),
    contentFilename: text("content_filename"),
    contentMediaType: text("content_media_type"),
    contentSize: bigint("content_size", { mode: "number" }),
    /** Paper custody: archive room, cabinet, box (any may be empty). */
    paperRoom: text("paper_room"),
    paperCabinet: text("paper_cabinet"),
    paperBox: text("paper_box"),
    sourceKind: text("source_kind").notNull(),
    sourceId: text("source_id"),
    /** The four natures (GB/T 18894) as checked at declaration. */
    natures: jsonb("natures").notNull(),
    status: text("status").notNull(),
    triggerDate: date("trigger_date", { mode: "string" }),
    dueOn: date("due_on", { mode: "string" }),
    /** A review decided to keep the record longer: the new end and why. */
    retainUntil: date("retain_until", { mode: "string" }),
    retainReason: text("retain_reason"),
    /** Number, title, author and the external document's issuer and reference: what search looks in. */
    searchText: text("search_text").notNull(),
    declaredBy: text("declared_by")
      .notNull()
      .references(() => users.id),
    declaredAt: tstz("declared_at").notNull(),
    updatedAt: tstz("updated_at").notNull(),
    disposedAt: tstz("disposed_at"),
  },
  (t) => [
    check("records_status", sql`${t.status} in ('active','destroyed','transferred')`),
    check("records_classification", sql.raw(`classification in ${CLASSIFICATION_CHECK}`)),
    check(
      "records_custody",
      sql`${t.contentSha256} is not null or coalesce(${t.paperRoom}, ${t.paperCabinet}, ${t.paperBox}) is not null`,
    ),
    index("records_class_idx").on(t.classId),
    index("records_due_idx").on(t.dueOn),
    index("records_trigger_idx").on(t.triggerDate),
    index("records_date_idx").on(t.recordDate),
    // evidence search by clause within a period: the classes of the clause, then the date range
    index("records_class_date_idx").on(t.classId, t.recordDate),
    index("records_content_idx").on(t.contentSha256),
    index("records_source_idx").on(t.sourceKind, t.sourceId),
    index("records_search_trgm").using("gin", sql`${t.searchText} gin_trgm_ops`),
  ],
);

/** What a record is about: people, controlled documents, contracts, case files, IP assets, other records. */
export const recordLinks = pgTable(
  "record_links",
  {
    id: text("id").primaryKey(),
    recordId: text("record_id")
      .notNull()
      .references(() => records.id),
    kind: text("kind").notNull(),
    targetId: text("target_id").notNull(),
    /** Free text for what has no table yet (an IP asset: "专利 ZL2023 1 0001234.5"). */
    label: text("label"),
    createdBy: text("created_by").references(() => users.id),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("record_links_once").on(t.recordId, t.kind, t.targetId),
    index("record_links_target_idx").on(t.kind, t.targetId),
  ],
);

/** Case numbers generated when none is given (CASE2026-001 …). */
export const caseNumberSeq = pgSequence("case_number_seq", { startWith: 1 });

/**
 * Dispute case files (10.2): judicial, administrative, arbitration, mediation or negotiation.
 * While a case is open, a legal hold covers every record linked to it.
 */
export const caseFiles = pgTable(
  "case_files",
  {
    id: text("id").primaryKey(),
    number: text("number").notNull().unique(),
    title: text("title").notNull(),
    kind: text("kind").notNull(),
    counterparty: text("counterparty"),
    /** Court, agency, arbitration body. */
    forum: text("forum"),
    ourRole: text("our_role"),
    status: text("status").notNull(),
    openedOn: date("opened_on", { mode: "string" }).notNull(),
    closedOn: date("closed_on", { mode: "string" }),
    outcome: text("outcome"),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    classification: text("classification").notNull(),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id),
    ...timestamps,
  },
  (t) => [
    check("case_files_kind", sql`${t.kind} in ('litigation','administrative','arbitration','mediation','negotiation')`),
    check("case_files_status", sql`${t.status} in ('open','closed')`),
    check("case_files_closed", sql`(${t.status} = 'closed') = (${t.closedOn} is not null)`),
    check("case_files_classification", sql.raw(`classification in ${CLASSIFICATION_CHECK}`)),
  ],
);

/**
 * External documents (4.3.2.2 b): a record with its source kept: type, issuing body or sender,
 * their reference number, date issued, date obtained (取得时间), how it arrived, who received it,
 * and the matter it concerns.
 */
export const externalDocuments = pgTable(
  "external_documents",
  {
    recordId: text("record_id")
      .primaryKey()
      .references(() => records.id),
    docType: text("doc_type").notNull(),
    issuer: text("issuer").notNull(),
    referenceNumber: text("reference_number"),
    issuedOn: date("issued_on", { mode: "string" }).notNull(),
    obtainedOn: date("obtained_on", { mode: "string" }).notNull(),
    arrivalMethod: text("arrival_method").notNull(),
    arrivalDetail: text("arrival_detail"),
    receivedBy: text("received_by")
      .notNull()
      .references(() => users.id),
    caseId: text("case_id").references(() => caseFiles.id),
    /** A contract of the register (checked by the service). */
    contractId: text("contract_id"),
    ipAsset: text("ip_asset"),
  },
  (t) => [
    check("external_documents_type", sql`${t.docType} in ('administrative-decision','court-judgment','lawyer-letter','other')`),
    check(
      "external_documents_arrival",
      sql`${t.arrivalMethod} in ('post','courier','in-person','email','fax','e-service','other')`,
    ),
    check("external_documents_obtained", sql`${t.obtainedOn} >= ${t.issuedOn}`),
    index("external_documents_case_idx").on(t.caseId),
    index("external_documents_obtained_idx").on(t.obtainedOn),
  ],
);

/**
 * Legal holds: while any active hold covers a record it cannot be disposed of. Scope is a list
 * (legal_hold_records) or a query (evaluated whenever it is asked, so records declared later
 * that match are covered too). An open case file's hold is a query on the case.
 */
export const legalHolds = pgTable(
  "legal_holds",
  {
    id: text("id").primaryKey(),
    matter: text("matter").notNull(),
    reason: text("reason").notNull(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    scopeKind: text("scope_kind").notNull(),
    query: jsonb("query"),
    caseId: text("case_id").references(() => caseFiles.id),
    status: text("status").notNull(),
    placedBy: text("placed_by")
      .notNull()
      .references(() => users.id),
    placedAt: tstz("placed_at").notNull(),
    releasedBy: text("released_by").references(() => users.id),
    releasedAt: tstz("released_at"),
    releaseReason: text("release_reason"),
  },
  (t) => [
    check("legal_holds_scope", sql`${t.scopeKind} in ('list','query')`),
    check("legal_holds_query", sql`(${t.scopeKind} = 'query') = (${t.query} is not null)`),
    check("legal_holds_status", sql`${t.status} in ('active','released')`),
    check(
      "legal_holds_release",
      sql`(${t.status} = 'released') = (${t.releasedAt} is not null and ${t.releaseReason} is not null and length(trim(${t.releaseReason})) > 0)`,
    ),
    uniqueIndex("legal_holds_one_per_open_case").on(t.caseId).where(sql`${t.status} = 'active' and ${t.caseId} is not null`),
  ],
);

/** The records a list-scoped hold covers. */
export const legalHoldRecords = pgTable(
  "legal_hold_records",
  {
    holdId: text("hold_id")
      .notNull()
      .references(() => legalHolds.id),
    recordId: text("record_id")
      .notNull()
      .references(() => records.id),
    addedBy: text("added_by")
      .notNull()
      .references(() => users.id),
    addedAt: tstz("added_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.holdId, t.recordId] }), index("legal_hold_records_record_idx").on(t.recordId)],
);

/**
 * When a retention trigger happened to a subject: a person's employment ended, a contract ended,
 * a case closed, a document was superseded. Records of classes with that trigger that are linked
 * to the subject start their retention period on this date.
 */
export const retentionEvents = pgTable(
  "retention_events",
  {
    id: text("id").primaryKey(),
    trigger: text("trigger").notNull(),
    subjectId: text("subject_id").notNull(),
    occurredOn: date("occurred_on", { mode: "string" }).notNull(),
    note: text("note"),
    recordedBy: text("recorded_by").references(() => users.id),
    recordedAt: tstz("recorded_at").notNull(),
  },
  (t) => [
    check("retention_events_trigger", sql`${t.trigger} in ('document-superseded','employment-end','contract-end','case-closed')`),
    uniqueIndex("retention_events_once").on(t.trigger, t.subjectId),
  ],
);

/** Disposal numbers (D2026-0001 …). */
export const disposalNumberSeq = pgSequence("disposal_number_seq", { startWith: 1 });

/**
 * A proposed disposal (destroy or transfer) of records that are due. It needs an approval from an
 * IP manager and one from legal; the second approval executes it.
 */
export const disposals = pgTable(
  "disposals",
  {
    id: text("id").primaryKey(),
    number: text("number").notNull().unique(),
    action: text("action").notNull(),
    status: text("status").notNull(),
    reason: text("reason").notNull(),
    /** Transfer: the archive or organisation that receives the records. */
    recipient: text("recipient"),
    /** The highest classification among its records: only people cleared for it see the disposal. */
    classification: text("classification").notNull(),
    proposedBy: text("proposed_by")
      .notNull()
      .references(() => users.id),
    proposedAt: tstz("proposed_at").notNull(),
    executedBy: text("executed_by").references(() => users.id),
    executedAt: tstz("executed_at"),
    completedAt: tstz("completed_at"),
    /** The destruction certificate (or transfer list), itself a permanently kept record. */
    certificateRecordId: text("certificate_record_id").references(() => records.id),
    /** Transfer: the exported package (zip of content and metadata). */
    exportSha256: text("export_sha256").references(() => blobs.sha256),
    closedReason: text("closed_reason"),
    updatedAt: tstz("updated_at").notNull(),
  },
  (t) => [
    check("disposals_action", sql`${t.action} in ('destroy','transfer')`),
    check("disposals_recipient", sql`${t.action} <> 'transfer' or ${t.recipient} is not null`),
    check("disposals_status", sql`${t.status} in ('pending','executing','completed','rejected','cancelled')`),
    check("disposals_classification", sql.raw(`classification in ${CLASSIFICATION_CHECK}`)),
  ],
);

export const disposalItems = pgTable(
  "disposal_items",
  {
    disposalId: text("disposal_id")
      .notNull()
      .references(() => disposals.id),
    recordId: text("record_id")
      .notNull()
      .references(() => records.id),
  },
  (t) => [primaryKey({ columns: [t.disposalId, t.recordId] }), index("disposal_items_record_idx").on(t.recordId)],
);

/** One decision per role (IP manager, legal) on a disposal; append-only (the database refuses changes). */
export const disposalApprovals = pgTable(
  "disposal_approvals",
  {
    id: text("id").primaryKey(),
    disposalId: text("disposal_id")
      .notNull()
      .references(() => disposals.id),
    role: text("role").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    decision: text("decision").notNull(),
    comment: text("comment"),
    decidedAt: tstz("decided_at").notNull(),
  },
  (t) => [
    check("disposal_approvals_role", sql`${t.role} in ('ip-manager','legal')`),
    check("disposal_approvals_decision", sql`${t.decision} in ('approved','rejected')`),
    uniqueIndex("disposal_approvals_one_per_role").on(t.disposalId, t.role),
  ],
);

/**
 * What was destroyed, kept permanently and append-only: the record's metadata as it was, its
 * content hash, who approved and when the bytes were deleted.
 */
export const destructionRecords = pgTable(
  "destruction_records",
  {
    id: text("id").primaryKey(),
    disposalId: text("disposal_id")
      .notNull()
      .references(() => disposals.id),
    recordId: text("record_id")
      .notNull()
      .unique()
      .references(() => records.id),
    recordNumber: text("record_number").notNull(),
    title: text("title").notNull(),
    classCode: text("class_code").notNull(),
    clause: text("clause").notNull(),
    classification: text("classification").notNull(),
    contentSha256: text("content_sha256"),
    contentSize: bigint("content_size", { mode: "number" }),
    dueOn: date("due_on", { mode: "string" }).notNull(),
    approvals: jsonb("approvals").notNull(),
    metadata: jsonb("metadata").notNull(),
    /** Where the bytes were deleted from: local or s3. */
    storage: text("storage").notNull(),
    destroyedBy: text("destroyed_by")
      .notNull()
      .references(() => users.id),
    destroyedAt: tstz("destroyed_at").notNull(),
  },
  (t) => [index("destruction_records_disposal_idx").on(t.disposalId)],
);

/**
 * Bytes a destruction must delete from blob storage, and when they were confirmed gone. A row
 * without `purged_at` is retried until the store confirms; fixity treats purged blobs as gone on purpose.
 */
export const blobPurges = pgTable("blob_purges", {
  sha256: text("sha256")
    .primaryKey()
    .references(() => blobs.sha256),
  disposalId: text("disposal_id")
    .notNull()
    .references(() => disposals.id),
  requestedAt: tstz("requested_at").notNull(),
  purgedAt: tstz("purged_at"),
  storageKind: text("storage_kind"),
});

/** Stored bytes that no longer match their hash (or are gone): shown on the dashboard until resolved. */
export const integrityIncidents = pgTable(
  "integrity_incidents",
  {
    id: text("id").primaryKey(),
    sha256: text("sha256")
      .notNull()
      .references(() => blobs.sha256),
    problem: text("problem").notNull(),
    actualSha256: text("actual_sha256"),
    detectedAt: tstz("detected_at").notNull(),
    resolvedAt: tstz("resolved_at"),
    resolvedBy: text("resolved_by").references(() => users.id),
    resolution: text("resolution"),
  },
  (t) => [
    check("integrity_incidents_problem", sql`${t.problem} in ('missing','hash-mismatch')`),
    uniqueIndex("integrity_incidents_one_open").on(t.sha256).where(sql`${t.resolvedAt} is null`),
  ],
);

/**
 * A CSV import of contracts or records. Rows are parsed and checked up front (bad encoding or
 * missing columns refuse the whole file); each row's outcome is kept, so the person sees exactly
 * which rows were imported and which failed and why.
 */
export const importBatches = pgTable(
  "import_batches",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    mode: text("mode").notNull(),
    status: text("status").notNull(),
    filename: text("filename").notNull(),
    sourceSha256: text("source_sha256")
      .notNull()
      .references(() => blobs.sha256),
    totalRows: integer("total_rows").notNull(),
    processedRows: integer("processed_rows").notNull().default(0),
    importedRows: integer("imported_rows").notNull().default(0),
    failedRows: integer("failed_rows").notNull().default(0),
    error: text("error"),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: tstz("created_at").notNull(),
    finishedAt: tstz("finished_at"),
  },
  (t) => [
    check("import_batches_kind", sql`${t.kind} in ('contracts','records')`),
    check("import_batches_mode", sql`${t.mode} in ('valid-rows','all-or-nothing')`),
    check("import_batches_status", sql`${t.status} in ('queued','running','completed','failed')`),
  ],
);

export const importRows = pgTable(
  "import_rows",
  {
    batchId: text("batch_id")
      .notNull()
      .references(() => importBatches.id),
    /** The line of the CSV file (the header is line 1). */
    line: integer("line").notNull(),
    status: text("status").notNull(),
    data: jsonb("data").notNull(),
    error: text("error"),
    objectId: text("object_id"),
  },
  (t) => [
    primaryKey({ columns: [t.batchId, t.line] }),
    check("import_rows_status", sql`${t.status} in ('pending','imported','failed','skipped')`),
  ],
);

export type RecordClassRow = typeof recordClasses.$inferSelect;
export type RecordRow = typeof records.$inferSelect;
export type RecordLinkRow = typeof recordLinks.$inferSelect;
export type CaseFileRow = typeof caseFiles.$inferSelect;
export type ExternalDocumentRow = typeof externalDocuments.$inferSelect;
export type LegalHoldRow = typeof legalHolds.$inferSelect;
export type RetentionEventRow = typeof retentionEvents.$inferSelect;
export type DisposalRow = typeof disposals.$inferSelect;
export type DisposalApprovalRow = typeof disposalApprovals.$inferSelect;
export type DestructionRecordRow = typeof destructionRecords.$inferSelect;
export type IntegrityIncidentRow = typeof integrityIncidents.$inferSelect;
export type ImportBatchRow = typeof importBatches.$inferSelect;
export type ImportRowRow = typeof importRows.$inferSelect;
