import { and, eq, sql, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "../../db/client";
import { hasRole, type Principal } from "../auth/permissions";

/**
 * Who may see the objects of one type: the single rule that lists, counts, searches, by-id loads
 * and the audit trail all apply. Every object type the audit trail names has one; a type without
 * one is visible only to administrators cleared top-secret (fail closed).
 */
export interface AccessPolicy {
  /** The object type, as audit events name it (`record`, `legal_hold` …). */
  readonly objectType: string;
  /** In SQL: the object whose id is `id` exists and `p` may see it. */
  visibleId(p: Principal, id: SQL): SQL;
  /** In SQL: the classification of the object whose id is `id` (for objects that carry one). */
  classificationOf?(id: SQL): SQL;
}

/** A policy over the rows of one table: a condition on the table's columns. */
export interface TablePolicy<T extends PgTable = PgTable> extends AccessPolicy {
  readonly table: T;
  readonly id: PgColumn;
  /** The rows of `table` that `p` may see. Must never be true for what `p` may not see. */
  rule(p: Principal): SQL;
}

/** Declares a {@link TablePolicy}. */
export function tablePolicy<T extends PgTable>(spec: {
  objectType: string;
  table: T;
  id: PgColumn;
  rule: (p: Principal) => SQL;
  /** The column holding each object's classification, when it has one. */
  classification?: PgColumn;
}): TablePolicy<T> {
  const { classification, ...rest } = spec;
  return {
    ...rest,
    visibleId: (p, id) => sql`exists (select 1 from ${spec.table} where ${spec.id} = ${id} and ${spec.rule(p)})`,
    ...(classification ? { classificationOf: (id: SQL) => sql`(select ${classification} from ${spec.table} where ${spec.id} = ${id})` } : {}),
  };
}

/**
 * A policy for objects that carry nothing classified (users, departments, the file plan …): who
 * may see them depends only on the reader, e.g. any signed-in person.
 */
export function readerPolicy(objectType: string, mayRead: (p: Principal) => boolean): AccessPolicy {
  return { objectType, visibleId: (p) => (mayRead(p) ? sql`true` : sql`false`) };
}

/** What an object type without a policy falls back to: only administrators cleared top-secret. */
export function failClosed(p: Principal): boolean {
  return hasRole(p, "admin") && p.clearance === "top-secret";
}

/** The row `id` of the policy's table if `p` may see it (the same SQL rule lists use). */
export async function findVisible<T extends PgTable>(
  db: Db,
  policy: TablePolicy<T>,
  p: Principal,
  id: string,
  options: { lock?: boolean } = {},
): Promise<T["$inferSelect"] | undefined> {
  const q = db
    .select()
    .from(policy.table as PgTable)
    .where(and(eq(policy.id, id), policy.rule(p)))
    .limit(1);
  const rows = (options.lock ? await q.for("update") : await q) as T["$inferSelect"][];
  return rows[0];
}

/** Of `ids`, those `p` may see under the policy. */
export async function filterVisibleIds(db: Db, policy: TablePolicy, p: Principal, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: policy.id })
    .from(policy.table)
    .where(and(sql`${policy.id} = any(${sql.param(ids)}::text[])`, policy.rule(p)));
  return rows.map((r) => r.id as string);
}
