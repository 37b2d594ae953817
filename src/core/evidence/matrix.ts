import { inArray, sql, type SQL } from "drizzle-orm";
import { rowsOf } from "../../db/migrate";
import { departments } from "../../db/schema/organisation";
import { users } from "../../db/schema/users";
import type { ServiceContext } from "../context";
import { contractAuditDate, contractVisibility } from "../contracts/service";
import { CONTRACT_CLAUSE } from "../contracts/vocabulary";
import { DomainError } from "../errors";
import { localDate } from "../documents/numbering";
import { requireEvidenceReader, type EvidenceReader } from "./access";
import { clauseInRow, listClauses } from "./clauses";
import { evidenceRelation } from "./sources";

/** Document control: where overdue periodic reviews are filed. */
const DOCUMENT_CONTROL_CLAUSE = "4.3.2.1";

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

/** How many names of people and of departments a matrix row lists; the counts say how many more there are. */
export const MATRIX_NAMES_CAP = 20;

/** One row of the evidence matrix. */
export interface MatrixRow {
  clause: string;
  group: string;
  titleZh: string;
  requirement: string;
  count: number;
  byKind: Record<string, number>;
  latest: string | null;
  /** How many people the row's evidence concerns. */
  people: number;
  /** How many departments the row's evidence concerns. */
  departments: number;
  /** Display names of those people, at most {@link MATRIX_NAMES_CAP} (`people - peopleNames.length` more). */
  peopleNames: string[];
  /** Names of those departments, at most {@link MATRIX_NAMES_CAP} (`departments - departmentNames.length` more). */
  departmentNames: string[];
  gaps: EvidenceGap[];
}

const collator = new Intl.Collator("zh-CN");

/**
 * The evidence matrix for a period: for each clause of the registry, how many evidence items
 * (of what kinds), the latest date, the people and departments they concern (counted and named),
 * and the gaps an auditor will ask about — a clause with no evidence, acknowledgements still
 * missing, periodic reviews overdue, contracts signed without an IP review. Counts, names and gaps
 * come only from what the reader may see: for a grant-bound auditor, the grant's clauses, period,
 * document categories and classification ceiling.
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
  const gaps = await findGaps(ctx, reader, period);
  const names = await namesOf(ctx, perClause);
  const named = (ids: Set<string>, of: Map<string, string>) =>
    [...ids]
      .map((id) => of.get(id))
      .filter((n): n is string => n !== undefined)
      .sort(collator.compare)
      .slice(0, MATRIX_NAMES_CAP);
  const rows: MatrixRow[] = registry.map((r) => {
    const hits = perClause.filter((h) => clauseInRow(r.id, h.clause));
    const byKind: Record<string, number> = {};
    for (const h of hits) byKind[h.kind] = (byKind[h.kind] ?? 0) + h.n;
    const people = new Set(hits.flatMap((h) => h.people ?? []));
    const departments = new Set(hits.flatMap((h) => h.departments ?? []));
    const count = hits.reduce((n, h) => n + h.n, 0);
    const rowGaps = gaps.filter((g) => g.clauses.some((c) => clauseInRow(r.id, c))).map(({ clauses: _c, ...g }) => g);
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
      peopleNames: named(people, names.people),
      departmentNames: named(departments, names.departments),
      gaps: rowGaps,
    };
  });
  await reader.recordAccess("evidence.matrix_viewed", { period });
  const covered = rows.filter((r) => r.count > 0).length;
  return { period, generatedAt: ctx.clock.now().toISOString(), rows, summary: { clauses: rows.length, covered, gaps: rows.reduce((n, r) => n + r.gaps.length, 0) } };
}

/** Display names of the people and names of the departments the visible evidence concerns (and nothing else). */
async function namesOf(ctx: ServiceContext, perClause: { people: string[] | null; departments: string[] | null }[]) {
  const personIds = [...new Set(perClause.flatMap((h) => h.people ?? []))];
  const departmentIds = [...new Set(perClause.flatMap((h) => h.departments ?? []))];
  const people = personIds.length ? await ctx.db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, personIds)) : [];
  const depts = departmentIds.length ? await ctx.db.select({ id: departments.id, name: departments.name }).from(departments).where(inArray(departments.id, departmentIds)) : [];
  return { people: new Map(people.map((u) => [u.id, u.name])), departments: new Map(depts.map((d) => [d.id, d.name])) };
}

/** A text[] of bound parameters. */
const textArray = (values: string[]) => (values.length ? sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]` : sql`'{}'::text[]`);

/** A gap before it is placed under the registry rows its clauses fall in. */
type FoundGap = EvidenceGap & { clauses: string[] };

/**
 * Gaps that are not about counting: missing acknowledgements, overdue reviews, contracts signed
 * without an IP review. Each is found only among what the reader may see — the same rules as the
 * evidence itself: classification (or a document granted by name), and for a grant-bound auditor
 * the grant's clauses, document categories, period and ceiling.
 *
 * The period (the one asked for, else the grant's; without an end, up to today) is read per gap:
 * - acknowledgement missing: of a revision in force at some time in the period (it took effect by
 *   the period's end and was still in force at its start), and still missing now — an auditor asks
 *   whether the people were told about the rules that applied then, and whether that is settled;
 * - review overdue: as of the period's end, or today if the period ends later (a review that fell
 *   due after the period is not a finding about it), judged on the current due date, so a review
 *   done since then has cleared it;
 * - contract without IP review: signed within the period (the date contracts count under).
 */
async function findGaps(ctx: ServiceContext, reader: EvidenceReader, period: { from?: string; to?: string }): Promise<FoundGap[]> {
  const { access: a, p } = reader;
  if (a.levels.length === 0) return [];
  const grantBound = a.auditorClauses !== undefined;
  const from = period.from ?? a.auditorPeriod?.from ?? undefined;
  const to = period.to ?? a.auditorPeriod?.to ?? undefined;
  const today = localDate(ctx.clock.now());
  const asOf = to && to < today ? to : today;
  let documentVisible: SQL;
  if (grantBound) {
    documentVisible =
      a.auditorClauses?.length && a.auditorCategories?.length
        ? sql`d.classification = any(${textArray(a.levels)}) and d.category_id = any(${textArray(a.auditorCategories)}) and c.clauses && ${textArray(a.auditorClauses)}`
        : sql`false`;
  } else {
    documentVisible = sql`(d.classification = any(${textArray(a.levels)}) or exists (select 1 from document_grants g where g.document_id = d.id and g.user_id = ${p.id}))`;
  }
  const out: FoundGap[] = [];

  const inForceFrom = sql`coalesce(r.effective_date, (r.effective_at at time zone 'Asia/Shanghai')::date)`;
  const inForceUntil = sql`(coalesce(r.superseded_at, r.obsoleted_at) at time zone 'Asia/Shanghai')::date`;
  const pendingAcks = rowsOf<{ id: string; number: string; title: string; label: string; clauses: string[]; pending: number }>(
    await ctx.db.execute(sql`
      select d.id, d.number, d.title, r.label, c.clauses, count(*)::int as pending
      from document_acknowledgements a
      join document_revisions r on r.id = a.revision_id
      join documents d on d.id = a.document_id
      join document_categories c on c.id = d.category_id
      where a.acknowledged_at is null and ${documentVisible}
        and r.state in ('effective','superseded','obsolete') and ${inForceFrom} <= ${asOf}::date
        ${from ? sql`and (r.state = 'effective' or ${inForceUntil} >= ${from}::date)` : sql``}
      group by d.id, d.number, d.title, r.id, r.seq, r.label, c.clauses
      order by d.number, r.seq`),
  );
  for (const d of pendingAcks) {
    out.push({
      clauses: d.clauses,
      kind: "acknowledgement-missing",
      message: `${d.number} ${d.label} ${d.title}：${d.pending} 人尚未确认 ${d.pending} acknowledgement(s) missing`,
      count: d.pending,
      refs: [{ type: "document", id: d.id, label: d.number }],
    });
  }

  const overdue = rowsOf<{ id: string; number: string; title: string; due: string }>(
    await ctx.db.execute(sql`
      select d.id, d.number, d.title, d.next_review_due::text as due
      from documents d join document_categories c on c.id = d.category_id
      where d.status = 'active' and d.next_review_due < ${asOf}::date and ${documentVisible}
      order by d.number`),
  );
  for (const d of overdue) {
    out.push({
      clauses: [DOCUMENT_CONTROL_CLAUSE],
      kind: "review-overdue",
      message: `${d.number} ${d.title}：定期评审已逾期（应于 ${d.due}）Periodic review overdue since ${d.due}`,
      count: 1,
      refs: [{ type: "document", id: d.id, label: d.number }],
    });
  }

  // contractVisibility applies the register's rule, and for a grant-bound auditor the grant's clause 4.3.3, period and ceiling
  const signedWithin = [...(from ? [sql`${contractAuditDate} >= ${from}::date`] : []), ...(to ? [sql`${contractAuditDate} <= ${to}::date`] : [])];
  const unreviewed = rowsOf<{ id: string; number: string; title: string }>(
    await ctx.db.execute(sql`
      select contracts.id, contracts.number, contracts.title from contracts
      where contracts.status in ('signed','in-force','expired','terminated')
        and ${sql.join([...contractVisibility(p), ...signedWithin], sql` and `)}
        and not exists (select 1 from contract_reviews r where r.contract_id = contracts.id and r.status = 'signed' and r.decision <> 'reject')
      order by contracts.number`),
  );
  for (const ct of unreviewed) {
    out.push({
      clauses: [CONTRACT_CLAUSE],
      kind: "contract-without-ip-review",
      message: `${ct.number} ${ct.title}：签订前没有知识产权审查记录 signed without an IP review`,
      count: 1,
      refs: [{ type: "contract", id: ct.id, label: ct.number }],
    });
  }
  // gaps only under clauses the reader may see (registry rows outside a grant are not listed at all)
  if (grantBound) return out.map((g) => ({ ...g, clauses: g.clauses.filter((n) => a.auditorClauses!.includes(n)) })).filter((g) => g.clauses.length > 0);
  return out;
}
