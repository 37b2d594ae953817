import { and, asc, desc, eq, gt, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { auditEvents, type AuditEventRow } from "../../db/schema/audit";
import type { Principal } from "../auth/permissions";
import type { Registry } from "../registry";
import { textArray } from "../../db/sql";

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

export async function insertEvents(tx: Tx, rows: AuditEventRow[]): Promise<void> {
  await tx.insert(auditEvents).values(rows);
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
  /** Leave out events with these actions (e.g. the reads a history hides). */
  excludeActions?: readonly string[];
  limit: number;
}

/**
 * Only events about objects the reader may see, by each object type's access policy; an event
 * about a type without a policy only for administrators cleared top-secret (fail closed).
 */
export function eventVisibleTo(registry: Registry, p: Principal): SQL {
  return registry.objectVisible(p, sql`${auditEvents.objectType}`, sql`${auditEvents.objectId}`);
}

/**
 * Events whose object is classified within `levels` (by its type's policy; an object with no
 * classification counts as public). For events about objects the reader was already shown (the
 * items of an audit package), where only the classification remains to be respected.
 */
export function eventClassifiedWithin(registry: Registry, levels: readonly string[]): SQL {
  return sql`coalesce(${registry.objectClassification(sql`${auditEvents.objectType}`, sql`${auditEvents.objectId}`)}, 'public') = any(${textArray(levels)})`;
}

/**
 * How many events match the filter and have one of `actions` (e.g. the reads a history hid), with
 * `seq` in [`fromSeq`, `beforeSeq`) when given.
 */
export async function countEvents(db: Db, q: Omit<AuditQuery, "limit" | "excludeActions"> & { actions: readonly string[]; fromSeq?: number }, visible?: SQL): Promise<number> {
  if (q.actions.length === 0) return 0;
  const where: SQL[] = visible ? [visible] : [];
  if (q.objectType) where.push(eq(auditEvents.objectType, q.objectType));
  if (q.objectId) where.push(eq(auditEvents.objectId, q.objectId));
  if (q.actorId) where.push(eq(auditEvents.actorId, q.actorId));
  if (q.action) where.push(eq(auditEvents.action, q.action));
  if (q.beforeSeq) where.push(lt(auditEvents.seq, q.beforeSeq));
  if (q.fromSeq) where.push(gte(auditEvents.seq, q.fromSeq));
  where.push(sql`${auditEvents.action} = any(${textArray(q.actions)})`);
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(auditEvents).where(and(...where));
  return row?.n ?? 0;
}

/** Newest first, filtered; for the trail viewer. `visible` restricts to what the reader may see. */
export async function queryEvents(db: Db, q: AuditQuery, visible?: SQL): Promise<AuditEventRow[]> {
  const where: SQL[] = visible ? [visible] : [];
  if (q.objectType) where.push(eq(auditEvents.objectType, q.objectType));
  if (q.objectId) where.push(eq(auditEvents.objectId, q.objectId));
  if (q.actorId) where.push(eq(auditEvents.actorId, q.actorId));
  if (q.action) where.push(eq(auditEvents.action, q.action));
  if (q.beforeSeq) where.push(lt(auditEvents.seq, q.beforeSeq));
  if (q.excludeActions?.length) where.push(sql`not (${auditEvents.action} = any(${textArray(q.excludeActions)}))`);
  return db
    .select()
    .from(auditEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditEvents.seq))
    .limit(q.limit);
}
