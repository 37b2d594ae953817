import type { RecordRow } from "../../db/schema/records";
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
