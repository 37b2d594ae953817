import { sql } from "drizzle-orm";
import { z } from "@hono/zod-openapi";
import { CLASSIFICATIONS, type Classification } from "../auth/permissions";
import type { ServiceContext } from "../context";
import { DomainError } from "../errors";
import { requireEvidenceReader } from "./access";
import { rowsOf } from "../../db/sql";
import { evidenceRelation } from "./source";
import { evidenceSearched } from "./events";

export const EvidenceSearchQuery = z.object({
  q: z.string().trim().max(200).optional(),
  kind: z.string().max(60).optional().openapi({ description: "a kind of evidence (document-revision, record, external-document, contract, signature-request, audit-event, and those of the modules)" }),
  clause: z.string().max(20).optional().openapi({ description: "a clause row of the registry (e.g. 7.3.2.4 or 5.2–5.5)" }),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  person: z.string().optional(),
  department: z.string().optional(),
  state: z
    .string()
    .max(40)
    .optional()
    .openapi({ description: "the item's state (a revision's state, a record's or contract's status …; an audit event's action)" }),
  classification: z.enum(CLASSIFICATIONS).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type EvidenceSearchQuery = z.infer<typeof EvidenceSearchQuery>;

/** One search result. */
export interface EvidenceHit {
  kind: string;
  id: string;
  reference: string | null;
  title: string;
  clauses: string[];
  classification: Classification;
  date: string;
  state: string;
  departmentId: string | null;
}

/** Counting stops here: "more than 1 000, narrow the search" is what a person needs, and it keeps search fast on millions of rows. */
export const COUNT_CAP = 1_000;

/**
 * Search across documents, revisions, records, external documents, contracts, signature requests
 * (and audit events for admins), by clause, type, period, person, department, state and
 * classification, with Chinese substring matching. Only what the caller may see is returned or
 * counted; grant-bound auditors search within their grant, and each search is audited for them.
 */
export async function searchEvidence(ctx: ServiceContext, q: EvidenceSearchQuery) {
  const reader = await requireEvidenceReader(ctx);
  if (q.kind && !ctx.registry.evidenceSources.some((s) => s.kind === q.kind)) {
    throw new DomainError("VALIDATION_FAILED", `There is no kind of evidence “${q.kind}”.`, { field: "kind" });
  }
  reader.assertWithinGrant({ clause: q.clause, from: q.from, to: q.to });
  const clauseNumbers = q.clause ? reader.clauseNumbersOf([q.clause]) : undefined;
  if (q.clause && clauseNumbers === undefined) throw new DomainError("VALIDATION_FAILED", `There is no clause “${q.clause}” in the registry.`, { field: "clause" });
  const { limit, offset, clause: _clause, ...filters } = q;
  const relation = evidenceRelation(reader.env, { ...filters, clauseNumbers });
  const page = evidenceRelation(reader.env, { ...filters, clauseNumbers }, offset + limit);
  const countResult = await ctx.db.execute(sql`select count(*)::int as n from (select 1 from ${relation} ev limit ${COUNT_CAP + 1}) capped`);
  const total = Number(rowsOf<{ n: number }>(countResult)[0]?.n ?? 0);
  const result = await ctx.db.execute(sql`
    select ev.kind, ev.id, ev.reference, ev.title, ev.clauses, ev.classification, ev.item_date::text as date, ev.state, ev.department_id
    from ${page} ev
    order by ev.item_date desc, ev.id desc
    limit ${limit} offset ${offset}`);
  const hits = rowsOf<{ kind: EvidenceHit["kind"]; id: string; reference: string | null; title: string; clauses: string[]; classification: Classification; date: string; state: string; department_id: string | null }>(result).map(
    (r): EvidenceHit => ({ kind: r.kind, id: r.id, reference: r.reference, title: r.title, clauses: r.clauses, classification: r.classification, date: r.date, state: r.state, departmentId: r.department_id }),
  );
  await reader.recordAccess(evidenceSearched, { query: { ...q }, total });
  return { total: Math.min(total, COUNT_CAP), capped: total > COUNT_CAP, hits };
}

