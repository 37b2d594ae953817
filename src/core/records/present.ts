import type { LegalHoldRow, RecordClassRow, RecordRow } from "../../db/schema/records";
import type { Classification } from "../auth/permissions";

/**
 * A record as the API shows it: named columns only, dates as ISO strings. The search text is an
 * index built from the record (number, title, author, issuer …), not data, and stays inside; a
 * column added to the table stays inside too until it is named here and in the schema.
 */
export function presentRecord(r: RecordRow) {
  return {
    id: r.id,
    number: r.number,
    classId: r.classId,
    title: r.title,
    description: r.description,
    recordDate: r.recordDate,
    author: r.author,
    departmentId: r.departmentId,
    classification: r.classification as Classification,
    contentSha256: r.contentSha256,
    contentFilename: r.contentFilename,
    contentMediaType: r.contentMediaType,
    contentSize: r.contentSize,
    paperRoom: r.paperRoom,
    paperCabinet: r.paperCabinet,
    paperBox: r.paperBox,
    sourceKind: r.sourceKind,
    sourceId: r.sourceId,
    natures: r.natures as Record<string, unknown>,
    status: r.status as "active" | "destroyed" | "transferred",
    triggerDate: r.triggerDate,
    dueOn: r.dueOn,
    retainUntil: r.retainUntil,
    retainReason: r.retainReason,
    declaredBy: r.declaredBy,
    declaredAt: r.declaredAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    disposedAt: r.disposedAt?.toISOString() ?? null,
  };
}

/** Anything that carries a record row under `record` (a list entry, a view), with the record presented. */
export function withRecord<T extends { record: RecordRow }>(x: T): Omit<T, "record"> & { record: ReturnType<typeof presentRecord> } {
  return { ...x, record: presentRecord(x.record) };
}

/** A record class of the file plan as the API shows it (with the reader's record count where given). */
export function presentRecordClass(c: RecordClassRow & { recordCount?: number }) {
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    nameEn: c.nameEn,
    clause: c.clause,
    description: c.description,
    retentionAmount: c.retentionAmount,
    retentionUnit: c.retentionUnit as "months" | "years" | "permanent",
    trigger: c.trigger,
    disposition: c.disposition,
    defaultClassification: c.defaultClassification as Classification,
    templateId: c.templateId,
    builtIn: c.builtIn,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    ...(c.recordCount === undefined ? {} : { recordCount: c.recordCount }),
  };
}

/** A legal hold as the API shows it. */
export function presentHold(h: LegalHoldRow) {
  return {
    id: h.id,
    matter: h.matter,
    reason: h.reason,
    ownerId: h.ownerId,
    scopeKind: h.scopeKind as "list" | "query",
    query: h.query as Record<string, unknown> | null,
    caseId: h.caseId,
    status: h.status as "active" | "released",
    placedBy: h.placedBy,
    placedAt: h.placedAt.toISOString(),
    releasedBy: h.releasedBy,
    releasedAt: h.releasedAt?.toISOString() ?? null,
    releaseReason: h.releaseReason,
  };
}
