import { inArray, sql } from "drizzle-orm";
import { rowsOf } from "../../db/sql";
import { departments } from "../../db/schema/organisation";
import { users } from "../../db/schema/users";
import type { ServiceContext } from "../context";
import { DomainError } from "../errors";
import { localDate } from "../documents/numbering";
import { requireEvidenceReader, type EvidenceReader } from "./access";
import { clauseInRow, listClauses } from "./clauses";
import { chosenSources, evidenceRelation, peopleOfRelation, type FoundGap } from "./source";
import { evidenceMatrixViewed } from "./events";
import type { EvidenceGap } from "./types";

export type { EvidenceGap } from "./types";

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
  const relation = evidenceRelation(reader.env, { from: period.from, to: period.to });
  const perClause = rowsOf<{ clause: string; kind: string; n: number; latest: string | null; people: string[] | null; departments: string[] | null }>(
    await ctx.db.execute(sql`
      with ev as (select * from ${relation} ev)
      select c.clause, ev.kind, count(distinct ev.id)::int as n, max(ev.item_date)::text as latest,
        array_agg(distinct pp.person) filter (where pp.person is not null) as people,
        array_agg(distinct ev.department_id) filter (where ev.department_id is not null) as departments
      from ev
      cross join lateral unnest(ev.clauses) as c(clause)
      left join lateral (${peopleOfRelation(reader.env)}) pp on true
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
  await reader.recordAccess(evidenceMatrixViewed, { period });
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

/**
 * Gaps that are not about counting, from each evidence source (missing acknowledgements, overdue
 * reviews, contracts signed without an IP review …), each among what the reader may see — the
 * source's own rules: classification (or a document granted by name), and for a grant-bound
 * auditor the grant's clauses, categories, period and ceiling. The period is the one asked for,
 * else the grant's; "as of" is its end, or today if it ends later.
 */
async function findGaps(ctx: ServiceContext, reader: EvidenceReader, period: { from?: string; to?: string }): Promise<FoundGap[]> {
  const a = reader.access;
  if (a.levels.length === 0) return [];
  const from = period.from ?? a.auditorPeriod?.from ?? undefined;
  const to = period.to ?? a.auditorPeriod?.to ?? undefined;
  const today = localDate(ctx.clock.now());
  const asOf = to && to < today ? to : today;
  const out: FoundGap[] = [];
  for (const source of chosenSources(ctx.registry)) out.push(...((await source.gaps?.(ctx, reader.env, { from, to, asOf })) ?? []));
  // gaps only under clauses the reader may see (registry rows outside a grant are not listed at all)
  if (a.auditorClauses !== undefined) return out.map((g) => ({ ...g, clauses: g.clauses.filter((n) => a.auditorClauses!.includes(n)) })).filter((g) => g.clauses.length > 0);
  return out;
}
