import { sql, type SQL } from "drizzle-orm";
import { items } from "../../db/schema/items";
import { textArray } from "../../db/sql";
import { tablePolicy, type TablePolicy } from "../access/policy";
import { hasRole, readableClassifications, type Principal } from "../auth/permissions";
import { clauseInRow } from "../evidence/clauses";
import { DEFAULT_READ_ROLES, type RecordType } from "./define";

/** The types whose items `p` reads in their own right (by role), not only those that concern them. */
export function typesReadableBy(types: readonly RecordType<any>[], p: Principal): string[] {
  return types.filter((t) => hasRole(p, ...(t.permissions.read ?? DEFAULT_READ_ROLES))).map((t) => t.id);
}

/** The types a grant-bound auditor's grant reaches: those evidencing a clause under the grant's rows (all, if it names none). */
export function typesWithinGrant(types: readonly RecordType<any>[], clauseRows: readonly string[]): string[] {
  if (!clauseRows.length) return types.map((t) => t.id);
  return types.filter((t) => t.clauses.some((c) => clauseRows.some((row) => clauseInRow(row, c)))).map((t) => t.id);
}

/**
 * Who may see an item: within the reader's clearance, of a type their role reads, or one that
 * concerns them (they are named in it, own it or made it). A grant-bound auditor reads the types
 * of the grant's clauses, dated within its period, up to its ceiling; nothing without a grant.
 * With `only`, the same rule for the items of that one type (what a register lists): the type is
 * known, so whether the reader's role reads it is decided here rather than row by row, and the
 * query keeps to the type's index.
 */
export function itemRule(types: readonly RecordType<any>[], p: Principal, only?: RecordType<any>): SQL {
  const levels = readableClassifications(p);
  if (!levels.length) return sql`false`;
  const cleared = sql`${items.classification} = any(${textArray(levels)})`;
  const candidates = only ? [only] : types;
  const ofTypes = (ids: string[]) => (only ? (ids.length ? sql`${items.type} = ${only.id}` : sql`false`) : sql`${items.type} = any(${textArray(ids)})`);
  if (p.auditScope !== undefined) {
    const scope = p.auditScope;
    if (!scope) return sql`false`;
    const within = [cleared, ofTypes(typesWithinGrant(candidates, scope.clauseIds))];
    if (scope.periodFrom) within.push(sql`${items.itemDate} >= ${scope.periodFrom}::date`);
    if (scope.periodTo) within.push(sql`${items.itemDate} <= ${scope.periodTo}::date`);
    return sql.join(within, sql` and `);
  }
  const concernsThem = sql`(${p.id} = any(${items.people}) or ${items.createdBy} = ${p.id})`;
  if (only) {
    return typesReadableBy([only], p).length ? sql`${items.type} = ${only.id} and ${cleared}` : sql`${items.type} = ${only.id} and ${cleared} and ${concernsThem}`;
  }
  return sql`${cleared} and (${items.type} = any(${textArray(typesReadableBy(types, p))}) or ${concernsThem})`;
}

/** The items table's access policy: {@link itemRule} over every module's record types. */
export function itemPolicy(types: readonly RecordType<any>[]): TablePolicy<typeof items> {
  return tablePolicy({
    objectType: "item",
    table: items,
    id: items.id,
    classification: items.classification,
    rule: (p): SQL => itemRule(types, p),
  });
}
