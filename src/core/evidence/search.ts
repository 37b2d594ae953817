import { sql, type SQL } from "drizzle-orm";
import { z } from "@hono/zod-openapi";
import { CLASSIFICATIONS } from "../auth/permissions";
import type { ServiceContext } from "../context";
import { DomainError } from "../errors";
import { requireEvidenceReader } from "./access";
import { rowsOf } from "../../db/migrate";
import { evidenceRelation } from "./sources";

export const SEARCH_KINDS = ["document-revision", "record", "external-document", "contract", "signature-request", "audit-event"] as const;

export const EvidenceSearchQuery = z.object({
  q: z.string().trim().max(200).optional(),
  kind: z.enum(SEARCH_KINDS).optional(),
  clause: z.string().max(20).optional().openapi({ description: "a clause row of the registry (e.g. 7.3.2.4 or 5.2–5.5)" }),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  person: z.string().optional(),
  department: z.string().optional(),
  state: z.string().max(40).optional(),
  classification: z.enum(CLASSIFICATIONS).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type EvidenceSearchQuery = z.infer<typeof EvidenceSearchQuery>;

/** One search result. */
export interface EvidenceHit {
  kind: (typeof SEARCH_KINDS)[number];
  id: string;
  reference: string | null;
  title: string;
  clauses: string[];
  classification: string;
  date: string;
  state: string;
  departmentId: string | null;
}

/** Counting stops here: "more than 10 000" is the answer a person needs, and it keeps search fast on millions of rows. */
export const COUNT_CAP = 10_000;

/** The WHERE conditions of a query over the evidence relation `ev`. */
export function evidenceFilters(q: Omit<EvidenceSearchQuery, "limit" | "offset">, clauseNumbers: string[] | undefined): SQL[] {
  const where: SQL[] = [];
  if (q.q) where.push(sql`ev.search_text ilike ${`%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}`);
  if (q.kind) where.push(sql`ev.kind = ${q.kind}`);
  if (clauseNumbers) where.push(clauseNumbers.length ? sql`ev.clauses && ${sql.raw(`array[${clauseNumbers.map((c) => `'${c}'`).join(",")}]`)}::text[]` : sql`false`);
  if (q.from) where.push(sql`ev.item_date >= ${q.from}::date`);
  if (q.to) where.push(sql`ev.item_date <= ${q.to}::date`);
  if (q.person) where.push(sql`${q.person} = any(ev.person_ids)`);
  if (q.department) where.push(sql`ev.department_id = ${q.department}`);
  if (q.state) where.push(sql`ev.state = ${q.state}`);
  if (q.classification) where.push(sql`ev.classification = ${q.classification}`);
  return where;
}

/**
 * Search across documents, revisions, records, external documents, contracts, signature requests
 * (and audit events for admins), by clause, type, period, person, department, state and
 * classification, with Chinese substring matching. Only what the caller may see is returned or
 * counted; grant-bound auditors search within their grant, and each search is audited for them.
 */
export async function searchEvidence(ctx: ServiceContext, q: EvidenceSearchQuery) {
  const reader = await requireEvidenceReader(ctx);
  reader.assertWithinGrant({ clause: q.clause, from: q.from, to: q.to });
  const clauseNumbers = q.clause ? reader.clauseNumbersOf([q.clause]) : undefined;
  if (q.clause && clauseNumbers === undefined) throw new DomainError("VALIDATION_FAILED", `There is no clause “${q.clause}” in the registry.`, { field: "clause" });
  const relation = evidenceRelation(reader.access, reader.templateClauses, q.kind === "audit-event");
  const where = evidenceFilters(q, clauseNumbers);
  const condition = where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  const countResult = await ctx.db.execute(sql`select count(*)::int as n from (select 1 from ${relation} ev ${condition} limit ${COUNT_CAP + 1}) capped`);
  const total = Number(rowsOf<{ n: number }>(countResult)[0]?.n ?? 0);
  const result = await ctx.db.execute(sql`
    select ev.kind, ev.id, ev.reference, ev.title, ev.clauses, ev.classification, ev.item_date::text as date, ev.state, ev.department_id
    from ${relation} ev ${condition}
    order by ev.item_date desc nulls last, ev.id
    limit ${q.limit} offset ${q.offset}`);
  const hits = rowsOf<{ kind: EvidenceHit["kind"]; id: string; reference: string | null; title: string; clauses: string[]; classification: string; date: string; state: string; department_id: string | null }>(result).map(
    (r): EvidenceHit => ({ kind: r.kind, id: r.id, reference: r.reference, title: r.title, clauses: r.clauses, classification: r.classification, date: r.date, state: r.state, departmentId: r.department_id }),
  );
  await reader.recordAccess("evidence.searched", { query: { ...q }, total });
  return { total: Math.min(total, COUNT_CAP), capped: total > COUNT_CAP, hits };
}

