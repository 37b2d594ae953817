import { z } from "zod";
import { auditEvent, readEvent, Changes } from "../audit/events";

/** How a change of retention touched records: how many were recomputed, and the first of them. */
const RetentionChanges = {
  recomputed: z.number().int(),
  changes: z.array(z.object({ recordId: z.string(), dueBefore: z.string().nullable(), dueAfter: z.string().nullable() })),
};
const Link = z.object({ id: z.string(), kind: z.string(), targetId: z.string(), label: z.string().nullable() });
const nullable = z.string().nullable();

export const recordDeclared = auditEvent(
  "record.declared",
  "record",
  { zh: "登记记录", en: "Record declared" },
  z.strictObject({
    number: z.string(),
    classId: z.string(),
    classCode: z.string(),
    title: z.string(),
    recordDate: z.string(),
    author: z.string(),
    classification: z.string(),
    content: z.object({ sha256: z.string(), size: z.number(), filename: z.string(), mediaType: z.string() }).nullable(),
    paper: nullable,
    source: z.object({ kind: z.string(), id: nullable }),
    links: z.array(z.object({ kind: z.string(), targetId: z.string(), label: z.string().nullish() })),
    natures: z.object({ authenticity: z.string(), integrity: z.string(), usability: z.string(), security: z.string() }),
    triggerDate: nullable,
    dueOn: nullable,
    /** An external document's source (issuer, reference number, dates, arrival). */
    external: Changes.optional(),
  }),
);
export const recordCorrected = auditEvent(
  "record.corrected",
  "record",
  { zh: "更正记录", en: "Record corrected" },
  z.strictObject({
    reason: z.string(),
    before: Changes,
    after: Changes,
    external: z.object({ before: Changes, after: Changes }).optional(),
    retention: z.object({ before: Changes, after: Changes }).optional(),
  }),
);
export const recordLinked = auditEvent("record.linked", "record", { zh: "添加关联", en: "Link added" }, z.strictObject({ link: Link, ...RetentionChanges }));
export const recordUnlinked = auditEvent(
  "record.unlinked",
  "record",
  { zh: "移除关联", en: "Link removed" },
  z.strictObject({ reason: z.string(), link: Link, ...RetentionChanges }),
);
export const recordRetentionExtended = auditEvent(
  "record.retention_extended",
  "record",
  { zh: "延长保管", en: "Retention extended" },
  z.strictObject({ reason: z.string(), before: z.object({ dueOn: nullable, retainUntil: nullable }), after: z.object({ dueOn: nullable, retainUntil: nullable }) }),
);
export const recordContentDownloaded = readEvent(
  "record.content_downloaded",
  "record",
  { zh: "下载记录内容", en: "Record content downloaded" },
  z.strictObject({ sha256: nullable }),
);
export const recordDestroyed = auditEvent(
  "record.destroyed",
  "record",
  { zh: "销毁记录", en: "Record destroyed" },
  z.strictObject({ disposalId: z.string(), disposal: z.string(), contentSha256: nullable, dueOn: nullable }),
);
export const recordTransferred = auditEvent(
  "record.transferred",
  "record",
  { zh: "移交记录", en: "Record transferred" },
  z.strictObject({ disposalId: z.string(), disposal: z.string(), recipient: nullable }),
);

export const recordClassCreated = auditEvent("record_class.created", "record_class", { zh: "新增记录类别", en: "Record class added" }, z.strictObject({ after: Changes }));
export const recordClassUpdated = auditEvent(
  "record_class.updated",
  "record_class",
  { zh: "修改记录类别", en: "Record class changed" },
  z.strictObject({ reason: z.string(), before: Changes, after: Changes, ...RetentionChanges }),
);
export const recordClassDeleted = auditEvent("record_class.deleted", "record_class", { zh: "删除记录类别", en: "Record class deleted" }, z.strictObject({ before: Changes }));

export const retentionEventRecorded = auditEvent(
  "retention.event_recorded",
  ["user", "contract", "case", "document"],
  { zh: "登记保管期起算事件", en: "Retention trigger recorded" },
  z.strictObject({
    trigger: z.string(),
    before: z.object({ occurredOn: z.string() }).nullable(),
    after: z.object({ occurredOn: z.string(), note: nullable }),
    ...RetentionChanges,
  }),
);
export const retentionSwept = auditEvent(
  "retention.swept",
  "file_plan",
  { zh: "保管期限巡检", en: "Retention sweep" },
  z.strictObject({
    day: z.string(),
    due: z.number().int(),
    newlyDue: z.array(z.string()),
    dueButHeld: z.array(z.string()),
    activeHolds: z.number().int(),
    resumedDisposals: z.number().int(),
  }),
);

export const caseOpened = auditEvent("case.opened", "case", { zh: "立案", en: "Case file opened" }, z.strictObject({ after: Changes }));
export const caseClosed = auditEvent(
  "case.closed",
  "case",
  { zh: "结案", en: "Case file closed" },
  z.strictObject({ before: z.object({ status: z.string() }), after: z.object({ status: z.string(), closedOn: z.string(), outcome: z.string() }) }),
);

export const legalHoldPlaced = auditEvent(
  "legal_hold.placed",
  "legal_hold",
  { zh: "实施法律保全", en: "Legal hold placed" },
  z.strictObject({ matter: z.string(), reason: z.string(), ownerId: z.string(), scope: z.unknown(), caseId: nullable, covers: z.number().int() }),
);
export const legalHoldRecordsAdded = auditEvent(
  "legal_hold.records_added",
  "legal_hold",
  { zh: "保全增加记录", en: "Records added to a legal hold" },
  z.strictObject({ recordIds: z.array(z.string()) }),
);
export const legalHoldReleased = auditEvent(
  "legal_hold.released",
  "legal_hold",
  { zh: "解除法律保全", en: "Legal hold released" },
  z.strictObject({ reason: z.string(), matter: z.string(), covered: z.number().int() }),
);

const DisposalRecordSummary = z.object({ id: z.string(), number: z.string(), dueOn: nullable });
export const disposalProposed = auditEvent(
  "disposal.proposed",
  "disposal",
  { zh: "提出处置", en: "Disposal proposed" },
  z.strictObject({ number: z.string(), action: z.string(), reason: z.string(), recipient: nullable, records: z.array(DisposalRecordSummary) }),
);
export const disposalCancelled = auditEvent("disposal.cancelled", "disposal", { zh: "撤销处置", en: "Disposal cancelled" }, z.strictObject({ reason: z.string() }));
const Decision = z.strictObject({ role: z.string(), comment: nullable });
export const disposalApproved = auditEvent("disposal.approved", "disposal", { zh: "批准处置", en: "Disposal approved" }, Decision);
export const disposalRejected = auditEvent("disposal.rejected", "disposal", { zh: "驳回处置", en: "Disposal rejected" }, Decision);
export const disposalExecuted = auditEvent(
  "disposal.executed",
  "disposal",
  { zh: "执行处置", en: "Disposal executed" },
  z.strictObject({ action: z.string(), records: z.array(z.string()), approvals: z.array(z.object({ role: z.string(), userId: z.string() })) }),
);
export const disposalCopiesFound = auditEvent(
  "disposal.copies_found",
  "disposal",
  { zh: "发现待销毁内容的副本", en: "Copies of destroyed content found" },
  z.strictObject({ copies: z.array(z.object({ sha256: z.string(), kind: z.enum(["audit-package", "transfer-package"]), id: z.string(), holds: z.array(z.string()) })) }),
);
export const disposalCompleted = auditEvent(
  "disposal.completed",
  "disposal",
  { zh: "处置完成", en: "Disposal completed" },
  z.strictObject({ certificateRecordId: z.string(), certificateSha256: z.string(), exportSha256: nullable, purged: z.array(z.string()) }),
);
export const disposalPackageDownloaded = readEvent(
  "disposal.package_downloaded",
  "disposal",
  { zh: "下载移交包", en: "Transfer package downloaded" },
  z.strictObject({ sha256: z.string() }),
);

export const importStarted = auditEvent(
  "import.started",
  "import",
  { zh: "开始批量导入", en: "Import started" },
  z.strictObject({
    kind: z.string(),
    mode: z.string(),
    filename: z.string(),
    sha256: z.string(),
    rows: z.number().int(),
    failedChecks: z.number().int(),
    status: z.string(),
    ignoredColumns: z.array(z.string()),
  }),
);
export const importCompleted = auditEvent(
  "import.completed",
  "import",
  { zh: "批量导入完成", en: "Import completed" },
  z.strictObject({ imported: z.number().int(), failed: z.number().int(), total: z.number().int() }),
);

export const blobIncidentResolved = auditEvent(
  "blob.incident_resolved",
  "blob",
  { zh: "处理完整性事件", en: "Integrity incident resolved" },
  z.strictObject({ incidentId: z.string(), resolution: z.string() }),
);

/** The records area's audit events. */
export const recordEvents = [
  recordDeclared,
  recordCorrected,
  recordLinked,
  recordUnlinked,
  recordRetentionExtended,
  recordContentDownloaded,
  recordDestroyed,
  recordTransferred,
  recordClassCreated,
  recordClassUpdated,
  recordClassDeleted,
  retentionEventRecorded,
  retentionSwept,
  caseOpened,
  caseClosed,
  legalHoldPlaced,
  legalHoldRecordsAdded,
  legalHoldReleased,
  disposalProposed,
  disposalCancelled,
  disposalApproved,
  disposalRejected,
  disposalExecuted,
  disposalCopiesFound,
  disposalCompleted,
  disposalPackageDownloaded,
  importStarted,
  importCompleted,
  blobIncidentResolved,
];
