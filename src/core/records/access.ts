import { and, eq, exists, gte, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import { caseFiles, disposalItems, disposals, importBatches, legalHolds, recordLinks, records, type RecordRow } from "../../db/schema/records";
import { findVisible, readerPolicy, tablePolicy } from "../access/policy";
import { requirePrincipal } from "../auth/guard";
import { clearedFor, hasRole, readableClassifications, visibleClassifications, type Classification, type Principal } from "../auth/permissions";
import type { ServiceContext } from "../context";
import { notFound } from "../errors";
import * as repo from "./repo";
import { HOLD_READ_ROLES, RECORD_READ_ROLES, RECORD_WRITE_ROLES } from "./vocabulary";
import { CONTRACT_WRITE_ROLES } from "../contracts/vocabulary";

/** Which parts of the records area a person may open (the same roles the services check; menus and links follow it). */
export function recordsAreasOf(p: Principal): { cases: boolean; holds: boolean; disposal: boolean; import: boolean } {
  return {
    cases: hasRole(p, ...RECORD_READ_ROLES),
    holds: hasRole(p, ...HOLD_READ_ROLES),
    disposal: hasRole(p, ...HOLD_READ_ROLES),
    import: hasRole(p, ...RECORD_WRITE_ROLES, ...CONTRACT_WRITE_ROLES),
  };
}

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

/** The record if the caller may see it (the record policy's SQL rule), else NOT_FOUND. */
export async function loadVisibleRecord(ctx: ServiceContext, id: string): Promise<{ p: Principal; record: RecordRow }> {
  const p = requirePrincipal(ctx);
  const record = await findVisible(ctx.db, recordPolicy, p, id);
  if (!record) throw notFound("The record");
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

/** Records: see {@link recordVisibility}. */
export const recordPolicy = tablePolicy({ objectType: "record", table: records, id: records.id, classification: records.classification, rule: (p) => and(...recordVisibility(p))! });

/**
 * Case files (10.2): people in records roles, within their clearance. Auditors reach a case's
 * documents through the records their grant covers, not the case file itself.
 */
export const casePolicy = tablePolicy({
  objectType: "case",
  table: caseFiles,
  id: caseFiles.id,
  classification: caseFiles.classification,
  rule: (p) => (hasRole(p, ...RECORD_READ_ROLES) ? inArray(caseFiles.classification, visibleClassifications(p.clearance)) : sql`false`),
});

/**
 * Legal holds: people in hold roles; a case's hold (named after the case) only for those who may
 * see the case. A grant-bound auditor sees holds that are not a case's, while a grant covering
 * records is in force.
 */
export const legalHoldPolicy = tablePolicy({
  objectType: "legal_hold",
  table: legalHolds,
  id: legalHolds.id,
  rule: (p) => {
    if (!hasRole(p, ...HOLD_READ_ROLES)) return sql`false`;
    if (p.auditScope !== undefined) {
      return p.auditScope && p.auditScope.recordClassIds.length ? sql`${legalHolds.caseId} is null` : sql`false`;
    }
    return sql`(${legalHolds.caseId} is null or ${casePolicy.visibleId(p, sql`${legalHolds.caseId}`)})`;
  },
});

/**
 * Disposals: people in hold roles who may see every record the disposal covers (its number,
 * titles and hashes name them), within the disposal's classification and any grant's ceiling.
 */
export const disposalPolicy = tablePolicy({
  objectType: "disposal",
  table: disposals,
  id: disposals.id,
  classification: disposals.classification,
  rule: (p) => {
    if (!hasRole(p, ...HOLD_READ_ROLES)) return sql`false`;
    const levels = readableClassifications(p);
    if (!levels.length) return sql`false`;
    return and(
      inArray(disposals.classification, levels),
      sql`not exists (select 1 from ${disposalItems} di where di.disposal_id = ${disposals.id} and not ${recordPolicy.visibleId(p, sql`di.record_id`)})`,
    )!;
  },
});

/** A CSV import holds whatever its rows said, at any classification: only the person who ran it sees it. */
export const importPolicy = tablePolicy({ objectType: "import", table: importBatches, id: importBatches.id, rule: (p) => eq(importBatches.createdBy, p.id) });

/** The file plan and its classes carry nothing classified. */
export const recordClassPolicy = readerPolicy("record_class", () => true);
export const filePlanPolicy = readerPolicy("file_plan", () => true);
