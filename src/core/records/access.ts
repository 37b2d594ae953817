import { and, eq, exists, gte, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import { recordLinks, records, type RecordRow } from "../../db/schema/records";
import { requirePrincipal } from "../auth/guard";
import { clearedFor, hasRole, readableClassifications, visibleClassifications, type Classification, type Principal } from "../auth/permissions";
import type { ServiceContext } from "../context";
import { notFound } from "../errors";
import * as repo from "./repo";
import { RECORD_READ_ROLES } from "./vocabulary";

/**
 * Who sees a record: people in records roles (IP manager and staff, legal, top management, admins)
 * see every record within their clearance; a grant-bound auditor sees the records of the classes
 * their grant's clauses cover, dated within its period, up to its classification ceiling (nothing
 * without a grant in force); anyone else sees the records linked to them or declared by them,
 * within their clearance. Nothing else is listed, counted or found (NOT_FOUND).
 */
export function recordVisibility(p: Principal): SQL[] {
  if (p.auditScope !== undefined) {
    const scope = p.auditScope;
    const levels = readableClassifications(p);
    if (!scope || !levels.length || !scope.recordClassIds.length) return [sql`false`];
    const where = [inArray(records.classification, levels), inArray(records.classId, scope.recordClassIds)];
    // a released revision's record is the document's own PDF: only of the categories the grant reaches
    const categories = scope.documentCategoryIds.length ? sql`array[${sql.join(scope.documentCategoryIds.map((c) => sql`${c}`), sql`, `)}]::text[]` : sql`'{}'::text[]`;
    where.push(
      sql`(${records.sourceKind} <> 'document-revision' or exists (select 1 from document_revisions r join documents d on d.id = r.document_id where r.id = ${records.sourceId} and d.category_id = any(${categories})))`,
    );
    if (scope.periodFrom) where.push(gte(records.recordDate, scope.periodFrom));
    if (scope.periodTo) where.push(lte(records.recordDate, scope.periodTo));
    return where;
  }
  const within = inArray(records.classification, visibleClassifications(p.clearance));
  if (hasRole(p, ...RECORD_READ_ROLES)) return [within];
  const mine = or(
    eq(records.declaredBy, p.id),
    exists(
      sql`(select 1 from ${recordLinks} where ${recordLinks.recordId} = ${records.id} and ${recordLinks.kind} = 'user' and ${recordLinks.targetId} = ${p.id})`,
    ),
  )!;
  return [and(within, mine)!];
}

/** The record if the caller may see it, else NOT_FOUND. */
export async function loadVisibleRecord(ctx: ServiceContext, id: string): Promise<{ p: Principal; record: RecordRow }> {
  const p = requirePrincipal(ctx);
  const record = await repo.findRecord(ctx.db, id);
  if (!record) throw notFound("The record");
  if (p.auditScope !== undefined) {
    if (!(await repo.filterRecordIds(ctx.db, recordVisibility(p), [id])).length) throw notFound("The record");
    return { p, record };
  }
  if (!clearedFor(p.clearance, record.classification as Classification)) throw notFound("The record");
  if (!hasRole(p, ...RECORD_READ_ROLES) && record.declaredBy !== p.id) {
    const links = await repo.listLinks(ctx.db, [id]);
    if (!links.some((l) => l.kind === "user" && l.targetId === p.id)) throw notFound("The record");
  }
  return { p, record };
}

/** Throws NOT_FOUND unless every id names a record the caller may see (lists and holds by list). */
export async function requireVisibleRecords(ctx: ServiceContext, ids: string[]): Promise<RecordRow[]> {
  const p = requirePrincipal(ctx);
  const unique = [...new Set(ids)];
  const visible = await repo.filterRecordIds(ctx.db, recordVisibility(p), unique);
  if (visible.length !== unique.length) {
    const missing = unique.filter((id) => !visible.includes(id));
    throw notFound(`Record ${missing[0]}`);
  }
  return repo.findRecordsByIds(ctx.db, unique);
}

/** The ids of records given by their numbers (R2026-000012 …), each visible to the caller, else NOT_FOUND naming it. */
export async function resolveRecordNumbers(ctx: ServiceContext, numbers: string[]): Promise<string[]> {
  const p = requirePrincipal(ctx);
  const wanted = [...new Set(numbers.map((n) => n.trim()).filter(Boolean))];
  if (wanted.length === 0) return [];
  const rows = await ctx.db.select({ id: records.id, number: records.number }).from(records).where(and(inArray(records.number, wanted), ...recordVisibility(p)));
  const missing = wanted.find((n) => !rows.some((r) => r.number === n));
  if (missing) throw notFound(`Record ${missing}`);
  return rows.map((r) => r.id);
}
