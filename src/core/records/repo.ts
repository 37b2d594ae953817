import { and, asc, desc, eq, exists, gte, ilike, inArray, isNotNull, lte, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import {
  caseFiles,
  externalDocuments,
  legalHoldRecords,
  legalHolds,
  recordClasses,
  recordLinks,
  records,
  retentionEvents,
  type CaseFileRow,
  type ExternalDocumentRow,
  type LegalHoldRow,
  type RecordClassRow,
  type RecordLinkRow,
  type RecordRow,
  type RetentionEventRow,
} from "../../db/schema/records";
import { users } from "../../db/schema/users";
import { rowsOf } from "../../db/sql";
import type { RecordQuery } from "./schemas";

// ── record classes ────────────────────────────────────────────────────────────

export async function listClasses(db: Db): Promise<RecordClassRow[]> {
  return db.select().from(recordClasses).orderBy(asc(recordClasses.code));
}

export async function findClass(db: Db, id: string, forUpdate = false): Promise<RecordClassRow | undefined> {
  const q = db.select().from(recordClasses).where(eq(recordClasses.id, id)).limit(1);
  const [row] = forUpdate ? await q.for("update") : await q;
  return row;
}

export async function findClassByCode(db: Db, code: string): Promise<RecordClassRow | undefined> {
  const [row] = await db.select().from(recordClasses).where(eq(recordClasses.code, code)).limit(1);
  return row;
}

export async function findClassByTemplate(db: Db, templateId: string): Promise<RecordClassRow | undefined> {
  const [row] = await db.select().from(recordClasses).where(eq(recordClasses.templateId, templateId)).limit(1);
  return row;
}

export async function insertClass(db: Db, row: RecordClassRow): Promise<void> {
  await db.insert(recordClasses).values(row);
}

export async function updateClass(db: Db, id: string, patch: Partial<RecordClassRow>): Promise<RecordClassRow | undefined> {
  const [row] = await db.update(recordClasses).set(patch).where(eq(recordClasses.id, id)).returning();
  return row;
}

export async function deleteClass(db: Db, id: string): Promise<void> {
  await db.delete(recordClasses).where(eq(recordClasses.id, id));
}

/** How many records (of any status) use each class; only those matching `visible` when given (what the reader may see). */
export async function countRecordsByClass(db: Db, visible?: SQL): Promise<Map<string, number>> {
  const rows = await db.select({ classId: records.classId, n: sql<number>`count(*)` }).from(records).where(visible).groupBy(records.classId);
  return new Map(rows.map((r) => [r.classId, Number(r.n)]));
}

// ── records ───────────────────────────────────────────────────────────────────

export async function nextRecordSeq(db: Db): Promise<number> {
  const rows = rowsOf<{ n: string | number }>(await db.execute(sql`select nextval('record_number_seq') as n`));
  return Number(rows[0]!.n);
}

export async function insertRecord(db: Db, row: RecordRow): Promise<void> {
  await db.insert(records).values(row);
}

export async function findRecord(db: Db, id: string, forUpdate = false): Promise<RecordRow | undefined> {
  const q = db.select().from(records).where(eq(records.id, id)).limit(1);
  const [row] = forUpdate ? await q.for("update") : await q;
  return row;
}

export async function findRecordsByIds(db: Db, ids: string[], forUpdate = false): Promise<RecordRow[]> {
  if (ids.length === 0) return [];
  const q = db.select().from(records).where(inArray(records.id, ids)).orderBy(asc(records.id));
  return forUpdate ? q.for("update") : q;
}

export async function findRecordBySource(db: Db, sourceKind: string, sourceId: string): Promise<RecordRow | undefined> {
  const [row] = await db
    .select()
    .from(records)
    .where(and(eq(records.sourceKind, sourceKind), eq(records.sourceId, sourceId)))
    .limit(1);
  return row;
}

export async function updateRecord(db: Db, id: string, patch: Partial<RecordRow>): Promise<RecordRow | undefined> {
  const [row] = await db.update(records).set(patch).where(eq(records.id, id)).returning();
  return row;
}

/** Active records of a class (their retention changes with it). */
export async function listActiveRecordIdsOfClass(db: Db, classId: string): Promise<string[]> {
  const rows = await db
    .select({ id: records.id })
    .from(records)
    .where(and(eq(records.classId, classId), eq(records.status, "active")));
  return rows.map((r) => r.id);
}

/** Active records linked to `targetId` as `kind`. */
/** Every record (any status) linked to an object. */
export async function listRecordIdsLinkedTo(db: Db, kind: string, targetId: string): Promise<string[]> {
  const rows = await db
    .select({ id: recordLinks.recordId })
    .from(recordLinks)
    .where(and(eq(recordLinks.kind, kind), eq(recordLinks.targetId, targetId)));
  return rows.map((r) => r.id);
}

export async function listActiveRecordIdsLinkedTo(db: Db, kind: string, targetId: string): Promise<string[]> {
  const rows = await db
    .select({ id: records.id })
    .from(records)
    .innerJoin(recordLinks, eq(recordLinks.recordId, records.id))
    .where(and(eq(recordLinks.kind, kind), eq(recordLinks.targetId, targetId), eq(records.status, "active")));
  return [...new Set(rows.map((r) => r.id))];
}

/** Sets the derived retention columns of many records at once. */
export async function setRetention(db: Db, rows: { id: string; triggerDate: string | null; dueOn: string | null }[], at: Date): Promise<void> {
  if (rows.length === 0) return;
  const values = sql.join(
    rows.map((r) => sql`(${r.id}, ${r.triggerDate}::date, ${r.dueOn}::date)`),
    sql`, `,
  );
  await db.execute(sql`
    update records set trigger_date = v.trigger_date, due_on = v.due_on, updated_at = ${at.toISOString()}::timestamptz
    from (values ${values}) as v(id, trigger_date, due_on)
    where records.id = v.id`);
}

// ── search ────────────────────────────────────────────────────────────────────

const linked = (kind: string, targetId: string) =>
  exists(
    sql`(select 1 from ${recordLinks} where ${recordLinks.recordId} = ${records.id} and ${recordLinks.kind} = ${kind} and ${recordLinks.targetId} = ${targetId})`,
  );

/** The WHERE conditions of a record query (also the scope of a query-based legal hold). */
export function recordQueryConditions(q: RecordQuery): SQL[] {
  const where: SQL[] = [];
  if (q.q) {
    const term = `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    where.push(ilike(records.searchText, term));
  }
  if (q.classId) where.push(eq(records.classId, q.classId));
  if (q.clause) {
    where.push(
      inArray(
        records.classId,
        sql`(select ${recordClasses.id} from ${recordClasses} where ${recordClasses.clause} = ${q.clause} or ${recordClasses.clause} like ${`${q.clause}.%`})`,
      ),
    );
  }
  if (q.status) where.push(eq(records.status, q.status));
  if (q.caseId) where.push(linked("case", q.caseId));
  if (q.contractId) where.push(linked("contract", q.contractId));
  if (q.documentId) where.push(linked("document", q.documentId));
  if (q.linkedUserId) where.push(linked("user", q.linkedUserId));
  if (q.ipAsset) where.push(linked("ip-asset", q.ipAsset));
  if (q.externalType) {
    where.push(exists(sql`(select 1 from ${externalDocuments} where ${externalDocuments.recordId} = ${records.id} and ${externalDocuments.docType} = ${q.externalType})`));
  }
  if (q.sourceKind) where.push(eq(records.sourceKind, q.sourceKind));
  if (q.dateFrom) where.push(gte(records.recordDate, q.dateFrom));
  if (q.dateTo) where.push(lte(records.recordDate, q.dateTo));
  if (q.triggerFrom) where.push(gte(records.triggerDate, q.triggerFrom));
  if (q.triggerTo) where.push(lte(records.triggerDate, q.triggerTo));
  if (q.dueBefore) where.push(and(isNotNull(records.dueOn), lte(records.dueOn, q.dueBefore))!);
  return where;
}

export interface RecordListRow {
  record: RecordRow;
  classCode: string;
  className: string;
  classNameEn: string;
  clause: string;
  disposition: string;
}

export async function searchRecords(db: Db, where: SQL[], page: { limit: number; offset: number }): Promise<{ rows: RecordListRow[]; total: number }> {
  const condition = where.length ? and(...where) : undefined;
  const rows = await db
    .select({
      record: records,
      classCode: recordClasses.code,
      className: recordClasses.name,
      classNameEn: recordClasses.nameEn,
      clause: recordClasses.clause,
      disposition: recordClasses.disposition,
    })
    .from(records)
    .innerJoin(recordClasses, eq(recordClasses.id, records.classId))
    .where(condition)
    .orderBy(desc(records.declaredAt), desc(records.id))
    .limit(page.limit)
    .offset(page.offset);
  const [count] = await db.select({ n: sql<number>`count(*)` }).from(records).where(condition);
  return { rows, total: Number(count?.n ?? 0) };
}

/** The list rows (with their class) of the given records, newest first. */
export async function listRecordRows(db: Db, ids: string[]): Promise<RecordListRow[]> {
  if (ids.length === 0) return [];
  return (await searchRecords(db, [inArray(records.id, ids)], { limit: ids.length, offset: 0 })).rows;
}

/** Ids among `ids` that match `where` (query-scoped holds). */
export async function filterRecordIds(db: Db, where: SQL[], ids?: string[]): Promise<string[]> {
  const all = [...where, ...(ids ? [inArray(records.id, ids.length ? ids : ["-"])] : [])];
  const rows = await db.select({ id: records.id }).from(records).where(all.length ? and(...all) : undefined);
  return rows.map((r) => r.id);
}

// ── links ─────────────────────────────────────────────────────────────────────

export async function insertLinks(db: Db, rows: RecordLinkRow[]): Promise<void> {
  if (rows.length) await db.insert(recordLinks).values(rows).onConflictDoNothing();
}

export async function listLinks(db: Db, recordIds: string[]): Promise<RecordLinkRow[]> {
  if (recordIds.length === 0) return [];
  return db.select().from(recordLinks).where(inArray(recordLinks.recordId, recordIds)).orderBy(asc(recordLinks.createdAt));
}

export async function findLink(db: Db, recordId: string, linkId: string): Promise<RecordLinkRow | undefined> {
  const [row] = await db
    .select()
    .from(recordLinks)
    .where(and(eq(recordLinks.id, linkId), eq(recordLinks.recordId, recordId)))
    .limit(1);
  return row;
}

export async function deleteLink(db: Db, linkId: string): Promise<void> {
  await db.delete(recordLinks).where(eq(recordLinks.id, linkId));
}

// ── external documents ───────────────────────────────────────────────────────

export async function insertExternalDocument(db: Db, row: ExternalDocumentRow): Promise<void> {
  await db.insert(externalDocuments).values(row);
}

export async function findExternalDocument(db: Db, recordId: string): Promise<ExternalDocumentRow | undefined> {
  const [row] = await db.select().from(externalDocuments).where(eq(externalDocuments.recordId, recordId)).limit(1);
  return row;
}

export async function updateExternalDocument(db: Db, recordId: string, patch: Partial<ExternalDocumentRow>): Promise<void> {
  await db.update(externalDocuments).set(patch).where(eq(externalDocuments.recordId, recordId));
}

// ── retention events ─────────────────────────────────────────────────────────

export async function findRetentionEvents(db: Db, trigger: string, subjectIds: string[]): Promise<RetentionEventRow[]> {
  if (subjectIds.length === 0) return [];
  return db
    .select()
    .from(retentionEvents)
    .where(and(eq(retentionEvents.trigger, trigger), inArray(retentionEvents.subjectId, subjectIds)));
}

export async function findRetentionEvent(db: Db, trigger: string, subjectId: string): Promise<RetentionEventRow | undefined> {
  const [row] = await db
    .select()
    .from(retentionEvents)
    .where(and(eq(retentionEvents.trigger, trigger), eq(retentionEvents.subjectId, subjectId)))
    .limit(1);
  return row;
}

export async function upsertRetentionEvent(db: Db, row: RetentionEventRow): Promise<void> {
  await db
    .insert(retentionEvents)
    .values(row)
    .onConflictDoUpdate({
      target: [retentionEvents.trigger, retentionEvents.subjectId],
      set: { occurredOn: row.occurredOn, note: row.note, recordedBy: row.recordedBy, recordedAt: row.recordedAt },
    });
}

// ── case files ────────────────────────────────────────────────────────────────

export async function insertCase(db: Db, row: CaseFileRow): Promise<void> {
  await db.insert(caseFiles).values(row);
}

export async function findCase(db: Db, id: string, forUpdate = false): Promise<CaseFileRow | undefined> {
  const q = db.select().from(caseFiles).where(eq(caseFiles.id, id)).limit(1);
  const [row] = forUpdate ? await q.for("update") : await q;
  return row;
}

export async function listCases(db: Db, visible: SQL): Promise<(CaseFileRow & { ownerName: string })[]> {
  const rows = await db
    .select({ c: caseFiles, ownerName: users.displayName })
    .from(caseFiles)
    .innerJoin(users, eq(users.id, caseFiles.ownerId))
    .where(visible)
    .orderBy(desc(caseFiles.openedOn), desc(caseFiles.createdAt));
  return rows.map((r) => ({ ...r.c, ownerName: r.ownerName }));
}

// ── legal holds ───────────────────────────────────────────────────────────────

export async function insertHold(db: Db, row: LegalHoldRow): Promise<void> {
  await db.insert(legalHolds).values(row);
}

export async function findHold(db: Db, id: string, forUpdate = false): Promise<LegalHoldRow | undefined> {
  const q = db.select().from(legalHolds).where(eq(legalHolds.id, id)).limit(1);
  const [row] = forUpdate ? await q.for("update") : await q;
  return row;
}

export async function findActiveCaseHold(db: Db, caseId: string): Promise<LegalHoldRow | undefined> {
  const [row] = await db
    .select()
    .from(legalHolds)
    .where(and(eq(legalHolds.caseId, caseId), eq(legalHolds.status, "active")))
    .limit(1);
  return row;
}

export async function listHolds(db: Db, visible: SQL): Promise<LegalHoldRow[]> {
  return db.select().from(legalHolds).where(visible).orderBy(desc(legalHolds.placedAt));
}

export async function listActiveHolds(db: Db): Promise<LegalHoldRow[]> {
  return db.select().from(legalHolds).where(eq(legalHolds.status, "active"));
}

export async function updateHold(db: Db, id: string, patch: Partial<LegalHoldRow>): Promise<void> {
  await db.update(legalHolds).set(patch).where(eq(legalHolds.id, id));
}

export async function addHoldRecords(db: Db, rows: (typeof legalHoldRecords.$inferInsert)[]): Promise<void> {
  if (rows.length) await db.insert(legalHoldRecords).values(rows).onConflictDoNothing();
}

export async function listHoldRecordIds(db: Db, holdId: string): Promise<string[]> {
  const rows = await db.select({ id: legalHoldRecords.recordId }).from(legalHoldRecords).where(eq(legalHoldRecords.holdId, holdId));
  return rows.map((r) => r.id);
}

/** List-scoped active holds covering any of `recordIds`: [holdId, recordId] pairs. */
export async function listHoldMemberships(db: Db, recordIds: string[]): Promise<{ holdId: string; recordId: string }[]> {
  if (recordIds.length === 0) return [];
  return db
    .select({ holdId: legalHoldRecords.holdId, recordId: legalHoldRecords.recordId })
    .from(legalHoldRecords)
    .innerJoin(legalHolds, eq(legalHolds.id, legalHoldRecords.holdId))
    .where(and(eq(legalHolds.status, "active"), inArray(legalHoldRecords.recordId, recordIds)));
}

