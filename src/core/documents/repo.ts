import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import {
  documentAcknowledgements,
  documentCategories,
  documentGrants,
  documentHandovers,
  documentPeriodicReviews,
  documentReviewComments,
  documentRevisions,
  documents,
  type DocumentCategoryRow,
  type DocumentRevisionRow,
  type DocumentRow,
} from "../../db/schema/documents";
import { departments } from "../../db/schema/organisation";
import { signatures } from "../../db/schema/signatures";
import { users } from "../../db/schema/users";
import type { SearchQuery } from "./schemas";

export async function listCategories(db: Db): Promise<DocumentCategoryRow[]> {
  return db.select().from(documentCategories).orderBy(asc(documentCategories.createdAt), asc(documentCategories.id));
}

export async function findCategory(db: Db, id: string): Promise<DocumentCategoryRow | undefined> {
  const [row] = await db.select().from(documentCategories).where(eq(documentCategories.id, id)).limit(1);
  return row;
}

export async function insertCategory(db: Db, row: DocumentCategoryRow): Promise<void> {
  await db.insert(documentCategories).values(row);
}

export async function updateCategory(db: Db, id: string, patch: Partial<DocumentCategoryRow>): Promise<void> {
  await db.update(documentCategories).set(patch).where(eq(documentCategories.id, id));
}

/** Whether any document was registered in the category. */
export async function categoryInUse(db: Db, id: string): Promise<boolean> {
  const [row] = await db.select({ id: documents.id }).from(documents).where(eq(documents.categoryId, id)).limit(1);
  return !!row;
}

/** Takes the category's next number atomically; numbers are never handed out twice. */
export async function takeNextSeq(db: Db, categoryId: string): Promise<number> {
  const [row] = await db
    .update(documentCategories)
    .set({ nextSeq: sql`${documentCategories.nextSeq} + 1` })
    .where(eq(documentCategories.id, categoryId))
    .returning({ taken: sql<number>`${documentCategories.nextSeq} - 1` });
  return Number(row!.taken);
}

export async function insertDocument(db: Db, row: DocumentRow): Promise<void> {
  await db.insert(documents).values(row);
}

export async function findDocument(db: Db, id: string, lock = false): Promise<DocumentRow | undefined> {
  const q = db.select().from(documents).where(eq(documents.id, id)).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  return row;
}

export async function findDocumentByNumber(db: Db, number: string): Promise<DocumentRow | undefined> {
  const [row] = await db.select().from(documents).where(eq(documents.number, number)).limit(1);
  return row;
}

export async function updateDocument(db: Db, id: string, patch: Partial<DocumentRow>): Promise<void> {
  await db.update(documents).set(patch).where(eq(documents.id, id));
}

export async function insertRevision(db: Db, row: DocumentRevisionRow): Promise<void> {
  await db.insert(documentRevisions).values(row);
}

export async function findRevision(db: Db, id: string, lock = false): Promise<DocumentRevisionRow | undefined> {
  const q = db.select().from(documentRevisions).where(eq(documentRevisions.id, id)).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  return row;
}

export async function findRevisionBySignatureRequest(db: Db, requestId: string): Promise<DocumentRevisionRow | undefined> {
  const [row] = await db.select().from(documentRevisions).where(eq(documentRevisions.signatureRequestId, requestId)).limit(1);
  return row;
}

export async function listRevisions(db: Db, documentId: string): Promise<DocumentRevisionRow[]> {
  return db.select().from(documentRevisions).where(eq(documentRevisions.documentId, documentId)).orderBy(asc(documentRevisions.seq));
}

export async function updateRevision(db: Db, id: string, patch: Partial<DocumentRevisionRow>): Promise<void> {
  await db.update(documentRevisions).set(patch).where(eq(documentRevisions.id, id));
}

export async function deleteDraftRevision(db: Db, id: string): Promise<void> {
  await db.delete(documentRevisions).where(and(eq(documentRevisions.id, id), eq(documentRevisions.state, "draft")));
}

/** Approved revisions whose effective date has come. */
export async function listDueApprovedRevisions(db: Db, today: string): Promise<DocumentRevisionRow[]> {
  return db
    .select()
    .from(documentRevisions)
    .where(and(eq(documentRevisions.state, "approved"), sql`${documentRevisions.effectiveDate} <= ${today}::date`))
    .orderBy(asc(documentRevisions.effectiveDate), asc(documentRevisions.seq));
}

export async function insertReviewComment(db: Db, row: typeof documentReviewComments.$inferInsert): Promise<void> {
  await db.insert(documentReviewComments).values(row);
}

export async function listReviewComments(db: Db, revisionIds: string[]) {
  if (revisionIds.length === 0) return [];
  return db
    .select({ comment: documentReviewComments, displayName: users.displayName })
    .from(documentReviewComments)
    .innerJoin(users, eq(users.id, documentReviewComments.userId))
    .where(inArray(documentReviewComments.revisionId, revisionIds))
    .orderBy(asc(documentReviewComments.createdAt));
}

export async function hasGrant(db: Db, documentId: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ one: sql`1` })
    .from(documentGrants)
    .where(and(eq(documentGrants.documentId, documentId), eq(documentGrants.userId, userId)))
    .limit(1);
  return !!row;
}

export async function insertGrant(db: Db, row: typeof documentGrants.$inferInsert): Promise<void> {
  await db.insert(documentGrants).values(row).onConflictDoNothing();
}

export async function listGrants(db: Db, documentId: string) {
  return db
    .select({ grant: documentGrants, displayName: users.displayName })
    .from(documentGrants)
    .innerJoin(users, eq(users.id, documentGrants.userId))
    .where(eq(documentGrants.documentId, documentId));
}

export async function upsertHandover(db: Db, row: typeof documentHandovers.$inferInsert): Promise<void> {
  await db
    .insert(documentHandovers)
    .values(row)
    .onConflictDoUpdate({ target: [documentHandovers.fromDocumentId, documentHandovers.toDocumentId], set: { description: row.description } });
}

export async function listHandovers(db: Db) {
  return db.select().from(documentHandovers);
}

export async function insertAcknowledgement(db: Db, row: typeof documentAcknowledgements.$inferInsert): Promise<void> {
  await db.insert(documentAcknowledgements).values(row);
}

export async function findAcknowledgementByRequest(db: Db, requestId: string) {
  const [row] = await db.select().from(documentAcknowledgements).where(eq(documentAcknowledgements.signatureRequestId, requestId)).limit(1);
  return row;
}

export async function markAcknowledged(db: Db, id: string, at: Date): Promise<void> {
  await db.update(documentAcknowledgements).set({ acknowledgedAt: at }).where(eq(documentAcknowledgements.id, id));
}

export async function listAcknowledgements(db: Db, revisionId: string) {
  return db
    .select({ ack: documentAcknowledgements, displayName: users.displayName, departmentName: departments.name })
    .from(documentAcknowledgements)
    .innerJoin(users, eq(users.id, documentAcknowledgements.userId))
    .leftJoin(departments, eq(departments.id, documentAcknowledgements.departmentId))
    .where(eq(documentAcknowledgements.revisionId, revisionId))
    .orderBy(asc(departments.name), asc(users.displayName));
}

export async function insertPeriodicReview(db: Db, row: typeof documentPeriodicReviews.$inferInsert): Promise<void> {
  await db.insert(documentPeriodicReviews).values(row);
}

export async function listPeriodicReviews(db: Db, documentId: string) {
  return db
    .select({ review: documentPeriodicReviews, displayName: users.displayName })
    .from(documentPeriodicReviews)
    .innerJoin(users, eq(users.id, documentPeriodicReviews.reviewedBy))
    .where(eq(documentPeriodicReviews.documentId, documentId))
    .orderBy(desc(documentPeriodicReviews.createdAt));
}

/** The SQL condition "the caller may see this document": within clearance, or granted by name. */
export function visibleTo(userId: string, levels: string[]): SQL {
  return sql`(${inArray(documents.classification, levels)} or exists (select 1 from ${documentGrants} g where g.document_id = ${documents.id} and g.user_id = ${userId}))`;
}

/** Search over what the caller may see: number, titles, keywords and the effective text (trigram). */
export async function searchDocuments(db: Db, visible: SQL, q: SearchQuery) {
  const where: SQL[] = [visible];
  if (q.q) {
    const pattern = `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    where.push(sql`${documents.searchText} ilike ${pattern}`);
  }
  if (q.category) where.push(eq(documents.categoryId, q.category));
  if (q.department) where.push(eq(documents.ownerDepartmentId, q.department));
  if (q.classification) where.push(eq(documents.classification, q.classification));
  if (q.state === "effective") where.push(sql`${documents.effectiveRevisionId} is not null and ${documents.status} = 'active'`);
  else if (q.state === "withdrawn") where.push(eq(documents.status, "withdrawn"));
  else if (q.state === "no-effective") where.push(and(isNull(documents.effectiveRevisionId), eq(documents.status, "active"))!);
  else if (q.state) {
    where.push(sql`exists (select 1 from ${documentRevisions} r where r.document_id = ${documents.id} and r.state = ${q.state})`);
  }
  if (q.effectiveFrom || q.effectiveTo) {
    where.push(sql`exists (select 1 from ${documentRevisions} r where r.id = ${documents.effectiveRevisionId}
      ${q.effectiveFrom ? sql`and coalesce(r.effective_date, (r.effective_at at time zone 'Asia/Shanghai')::date) >= ${q.effectiveFrom}::date` : sql``}
      ${q.effectiveTo ? sql`and coalesce(r.effective_date, (r.effective_at at time zone 'Asia/Shanghai')::date) <= ${q.effectiveTo}::date` : sql``})`);
  }
  const condition = and(...where);
  const [total] = await db.select({ n: sql<number>`count(*)` }).from(documents).where(condition);
  const rows = await db
    .select({
      document: documents,
      effectiveLabel: sql<string | null>`(select r.label from ${documentRevisions} r where r.id = ${documents.effectiveRevisionId})`,
      effectiveDate: sql<string | null>`(select coalesce(r.effective_date, (r.effective_at at time zone 'Asia/Shanghai')::date)::text from ${documentRevisions} r where r.id = ${documents.effectiveRevisionId})`,
      openState: sql<string | null>`(select r.state from ${documentRevisions} r where r.document_id = ${documents.id} and r.state in ('draft','in_review','in_approval','approved') order by r.seq desc limit 1)`,
    })
    .from(documents)
    .where(condition)
    .orderBy(asc(documents.number))
    .limit(q.limit)
    .offset(q.offset);
  return { total: Number(total?.n ?? 0), rows };
}

/** Visible documents whose periodic review is due by `until` (overdue ones first). */
export async function listReviewsDue(db: Db, visible: SQL, until: string) {
  return db
    .select()
    .from(documents)
    .where(and(visible, eq(documents.status, "active"), sql`${documents.nextReviewDue} <= ${until}::date`))
    .orderBy(asc(documents.nextReviewDue))
    .limit(50);
}

/** Effective procedures and regulations with their current labels, for the IP manual. */
export async function listRegister(db: Db, categoryIds: string[]) {
  return db
    .select({
      document: documents,
      label: documentRevisions.label,
      effectiveDate: sql<string | null>`coalesce(${documentRevisions.effectiveDate}, (${documentRevisions.effectiveAt} at time zone 'Asia/Shanghai')::date)::text`,
    })
    .from(documents)
    .leftJoin(documentRevisions, eq(documentRevisions.id, documents.effectiveRevisionId))
    .where(and(inArray(documents.categoryId, categoryIds), eq(documents.status, "active")))
    .orderBy(asc(documents.number));
}

/** The signatures of the revisions' review and approval requests, in signing order. */
export async function listRevisionSignatures(db: Db, revisions: Pick<DocumentRevisionRow, "id" | "label" | "signatureRequestId">[]) {
  const byRequest = new Map(revisions.filter((r) => r.signatureRequestId).map((r) => [r.signatureRequestId!, r]));
  if (byRequest.size === 0) return [];
  const rows = await db
    .select({ requestId: signatures.requestId, displayName: users.displayName, meaning: signatures.meaning, signedAt: signatures.signedAt, certificateSerial: signatures.certificateSerial })
    .from(signatures)
    .innerJoin(users, eq(users.id, signatures.userId))
    .where(inArray(signatures.requestId, [...byRequest.keys()]))
    .orderBy(asc(signatures.signedAt));
  return rows.map(({ requestId, ...r }) => ({ revisionId: byRequest.get(requestId)!.id, label: byRequest.get(requestId)!.label, ...r }));
}
