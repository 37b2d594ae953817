import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/migrate";
import type { ServiceContext } from "../context";
import { DomainError } from "../errors";
import { localDate } from "../documents/numbering";
import { requireEvidenceReader } from "./access";
import { clauseInRow, listClauses } from "./clauses";
import { evidenceRelation } from "./sources";

/** A gap an auditor will ask about, under the clause row it concerns. */
export interface EvidenceGap {
  kind: "no-evidence" | "acknowledgement-missing" | "review-overdue" | "contract-without-ip-review";
  message: string;
  count: number;
  refs: { type: string; id: string; label: string }[];
}

/** The people an evidence item concerns, by kind (used per row of the matrix). */
const peopleOf = sql`
  select unnest(array_remove(array[r.drafted_by, r.approver_id] || r.reviewer_ids, null)) as person from document_revisions r where ev.kind = 'document-revision' and r.id = ev.id
  union all select declared_by from records where ev.kind in ('record','external-document') and records.id = ev.id
  union all select target_id from record_links where ev.kind in ('record','external-document') and record_links.record_id = ev.id and record_links.kind = 'user'
  union all select received_by from external_documents where ev.kind = 'external-document' and external_documents.record_id = ev.id
  union all select owner_id from contracts where ev.kind = 'contract' and contracts.id = ev.id
  union all select user_id from signature_request_signers where ev.kind = 'signature-request' and signature_request_signers.request_id = ev.id
  union all select subject_user_id from signature_requests where ev.kind = 'signature-request' and signature_requests.id = ev.id`;

/** One row of the evidence matrix. */
export interface MatrixRow {
  clause: string;
  group: string;
  titleZh: string;
  requirement: string;
  count: number;
  byKind: Record<string, number>;
  latest: string | null;
  people: number;
  departments: number;
  gaps: EvidenceGap[];
}

/**
 * The evidence matrix for a period: for each clause of the registry, how many evidence items
 * (of what kinds), the latest date, how many people and departments they concern, and the gaps an
 * auditor will ask about — a clause with no evidence, acknowledgements still missing, periodic
 * reviews overdue, contracts in force without an IP review. Counts only what the reader may see.
 */
export async function evidenceMatrix(ctx: ServiceContext, period: { from?: string; to?: string }) {
  const reader = await requireEvidenceReader(ctx);
  reader.assertWithinGrant(period);
  if (period.from && period.to && period.from > period.to) throw new DomainError("VALIDATION_FAILED", "The period ends before it starts.");
  const relation = evidenceRelation(reader.access, reader.templateClauses, false, { from: period.from, to: period.to });
  const perClause = rowsOf<{ clause: string; kind: string; n: number; latest: string | null; people: string[] | null; departments: string[] | null }>(
    await ctx.db.execute(sql`
      with ev as (select * from ${relation} ev)
      select c.clause, ev.kind, count(distinct ev.id)::int as n, max(ev.item_date)::text as latest,
        array_agg(distinct pp.person) filter (where pp.person is not null) as people,
        array_agg(distinct ev.department_id) filter (where ev.department_id is not null) as departments
      from ev
      cross join lateral unnest(ev.clauses) as c(clause)
      left join lateral (${peopleOf}) pp on true
      group by c.clause, ev.kind`),
  );
  const registry = (await listClauses(ctx.db)).filter((r) => !reader.p.auditScope || !reader.p.auditScope.clauseIds.length || reader.p.auditScope.clauseIds.includes(r.id));
  const gaps = await findGaps(ctx, reader.access.levels);
  const rows: MatrixRow[] = registry.map((r) => {
    const hits = perClause.filter((h) => clauseInRow(r.id, h.clause));
    const byKind: Record<string, number> = {};
    for (const h of hits) byKind[h.kind] = (byKind[h.kind] ?? 0) + h.n;
    const people = new Set(hits.flatMap((h) => h.people ?? []));
    const departments = new Set(hits.flatMap((h) => h.departments ?? []));
    const count = hits.reduce((n, h) => n + h.n, 0);
    const rowGaps = gaps.filter((g) => clauseInRow(r.id, g.clause)).map(({ clause: _c, ...g }) => g);
    if (count === 0) rowGaps.unshift({ kind: "no-evidence", message: "没有证据 No evidence in this period", count: 0, refs: [] });
    return {
      clause: r.id,
      group: r.groupId,
      titleZh: r.titleZh,
      requirement: r.requirement,
      count,
      byKind,
      latest: hits.reduce<string | null>((m, h) => (h.latest && (!m || h.latest > m) ? h.latest : m), null),
      people: people.size,
      departments: departments.size,
      gaps: rowGaps,
    };
  });
  await reader.recordAccess("evidence.matrix_viewed", { period });
  const covered = rows.filter((r) => r.count > 0).length;
  return { period, generatedAt: ctx.clock.now().toISOString(), rows, summary: { clauses: rows.length, covered, gaps: rows.reduce((n, r) => n + r.gaps.length, 0) } };
}

/** Gaps that are not about counting: missing acknowledgements, overdue reviews, contracts without IP review. */
async function findGaps(ctx: ServiceContext, levels: string[]): Promise<(EvidenceGap & { clause: string })[]> {
  if (levels.length === 0) return [];
  const lv = sql.raw(`array[${levels.map((l) => `'${l}'`).join(",")}]::text[]`);
  const today = localDate(ctx.clock.now());
  const out: (EvidenceGap & { clause: string })[] = [];
  const pendingAcks = rowsOf<{ id: string; number: string; title: string; clauses: string[]; pending: number }>(
    await ctx.db.execute(sql`
      select d.id, d.number, d.title, c.clauses, count(*)::int as pending
      from document_acknowledgements a join documents d on d.id = a.document_id and a.revision_id = d.effective_revision_id
      join document_categories c on c.id = d.category_id
      where a.acknowledged_at is null and d.classification = any(${lv})
      group by d.id, d.number, d.title, c.clauses`),
  );
  for (const d of pendingAcks) {
    out.push({
      clause: d.clauses[0]!,
      kind: "acknowledgement-missing",
      message: `${d.number} ${d.title}：${d.pending} 人尚未确认 ${d.pending} acknowledgement(s) missing`,
      count: d.pending,
      refs: [{ type: "document", id: d.id, label: d.number }],
    });
  }
  const overdue = rowsOf<{ id: string; number: string; title: string; clauses: string[]; due: string }>(
    await ctx.db.execute(sql`
      select d.id, d.number, d.title, c.clauses, d.next_review_due::text as due
      from documents d join document_categories c on c.id = d.category_id
      where d.status = 'active' and d.next_review_due < ${today}::date and d.classification = any(${lv})`),
  );
  for (const d of overdue) {
    out.push({
      clause: "4.3.2.1",
      kind: "review-overdue",
      message: `${d.number} ${d.title}：定期评审已逾期（应于 ${d.due}）Periodic review overdue since ${d.due}`,
      count: 1,
      refs: [{ type: "document", id: d.id, label: d.number }],
    });
  }
  const unreviewed = rowsOf<{ id: string; number: string; title: string; status: string }>(
    await ctx.db.execute(sql`
      select ct.id, ct.number, ct.title, ct.status from contracts ct
      where ct.status in ('signed','in-force','expired','terminated') and ct.classification = any(${lv})
        and not exists (select 1 from contract_reviews r where r.contract_id = ct.id and r.status = 'signed' and r.decision <> 'reject')`),
  );
  for (const ct of unreviewed) {
    out.push({
      clause: "4.3.3",
      kind: "contract-without-ip-review",
      message: `${ct.number} ${ct.title}：签订前没有知识产权审查记录 signed without an IP review`,
      count: 1,
      refs: [{ type: "contract", id: ct.id, label: ct.number }],
    });
  }
  return out;
}
