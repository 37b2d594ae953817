import { and, asc, desc, eq, gt, lt, sql, type SQL } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { auditEvents, type AuditEventRow } from "../../db/schema/audit";

/** Takes the transaction-scoped lock that serialises appends to the chain. */
export async function lockChain(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(7402291, 2)`);
}

/** The newest event (the chain head), or undefined on an empty trail. */
export async function findHead(tx: Db): Promise<Pick<AuditEventRow, "seq" | "hash"> | undefined> {
  const [row] = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  return row;
}

export async function insertEvent(tx: Tx, row: AuditEventRow): Promise<void> {
  await tx.insert(auditEvents).values(row);
}

/** A page of events in chain order, starting after `afterSeq`. */
export async function listEventsAfter(db: Db, afterSeq: number, limit: number): Promise<AuditEventRow[]> {
  return db.select().from(auditEvents).where(gt(auditEvents.seq, afterSeq)).orderBy(asc(auditEvents.seq)).limit(limit);
}

export interface AuditQuery {
  objectType?: string;
  objectId?: string;
  actorId?: string;
  action?: string;
  beforeSeq?: number;
  limit: number;
}

/**
 * Only events about objects the reader may see: objects without a classification, objects within
 * their clearance, and documents granted to them by name (see the audit_object_classification view).
 */
export function eventVisibleTo(userId: string, levels: string[]): SQL {
  return sql`not exists (
    select 1 from audit_object_classification v
    where v.object_type = ${auditEvents.objectType} and v.object_id = ${auditEvents.objectId}
      and not (v.classification = any(${sql.raw(`array[${levels.map((l) => `'${l}'`).join(",")}]`)}::text[]))
      and not exists (select 1 from document_grants g where v.object_type = 'document' and g.document_id = v.object_id and g.user_id = ${userId})
  )`;
}

/** Newest first, filtered; for the trail viewer. `visible` restricts to what the reader may see. */
export async function queryEvents(db: Db, q: AuditQuery, visible?: SQL): Promise<AuditEventRow[]> {
  const where: SQL[] = visible ? [visible] : [];
  if (q.objectType) where.push(eq(auditEvents.objectType, q.objectType));
  if (q.objectId) where.push(eq(auditEvents.objectId, q.objectId));
  if (q.actorId) where.push(eq(auditEvents.actorId, q.actorId));
  if (q.action) where.push(eq(auditEvents.action, q.action));
  if (q.beforeSeq) where.push(lt(auditEvents.seq, q.beforeSeq));
  return db
    .select()
    .from(auditEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditEvents.seq))
    .limit(q.limit);
}
