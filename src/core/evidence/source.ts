import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { textArray } from "../../db/sql";
import type { Label } from "../audit/events";
import { isGrantBoundAuditor, readableClassifications, type Principal } from "../auth/permissions";
import type { ServiceContext } from "../context";
import type { Registry } from "../registry";
import type { EvidenceGap } from "./types";
import type { EvidenceItem } from "./types";

/**
 * Who is reading, with what they may read: the classification levels, and for a grant-bound
 * auditor the leaf clause numbers, the period and the document categories their grant allows.
 */
export interface EvidenceAccess {
  principal: Principal;
  levels: string[];
  /** Grant-bound auditor: the clause numbers their grant covers (null: no grant, nothing visible). */
  auditorClauses?: string[] | null;
  auditorPeriod?: { from: string | null; to: string | null };
  /** Grant-bound auditor: the document categories the grant reaches. */
  auditorCategories?: string[];
}

export function evidenceAccess(p: Principal, allowedClauses: (rowIds: string[]) => string[]): EvidenceAccess {
  const levels = readableClassifications(p);
  if (!isGrantBoundAuditor(p) || p.auditScope === undefined) return { principal: p, levels };
  if (!p.auditScope) return { principal: p, levels: [], auditorClauses: null };
  return {
    principal: p,
    levels,
    auditorClauses: allowedClauses(p.auditScope.clauseIds),
    auditorPeriod: { from: p.auditScope.periodFrom, to: p.auditScope.periodTo },
    auditorCategories: p.auditScope.documentCategoryIds,
  };
}

/** What every source is given when it builds its branch: who reads, and what the templates evidence. */
export interface EvidenceEnv {
  access: EvidenceAccess;
  /** Template id → the clause its signed documents evidence. */
  templateClauses: [string, string][];
  registry: Registry;
}

/** Conditions applied inside every branch, so each can use its own indexes. */
export interface EvidenceFilter {
  q?: string;
  kind?: string;
  /** Leaf clause numbers (already expanded from registry rows). */
  clauseNumbers?: string[];
  from?: string;
  to?: string;
  person?: string;
  department?: string;
  state?: string;
  classification?: string;
}

/** One kind of evidence as a SELECT over its own tables, with the relation's columns. */
export interface EvidenceBranch {
  from: SQL;
  id: SQL;
  reference: SQL;
  title: SQL;
  /** text[] of the clause numbers the item evidences. */
  clauses: SQL;
  classification: SQL;
  /** A plain indexed column where possible, so "newest first" reads an index backwards. */
  date: SQL;
  state: SQL;
  department: SQL;
  search: SQL;
  /** The person is involved (author, signer, subject, owner …). */
  involves: (person: string) => SQL;
  /** The people the item concerns, as `select … as person` for one item id (the matrix names them). */
  people: (id: SQL) => SQL;
  /** Who may see it, for readers who are not grant-bound auditors: the area's access policy. */
  visible: SQL;
  /**
   * The clause filter in a form an index can serve (e.g. the record's class id among the classes of
   * those clauses), used besides the generic `clauses && …` test.
   */
  byClauses?: (clauseNumbers: SQL) => SQL;
  /** For grant-bound auditors, on top of the grant's clauses, period and ceiling (e.g. only completed requests). */
  auditorExtra?: SQL;
}

/** A gap before it is placed under the registry rows its clauses fall in. */
export type FoundGap = EvidenceGap & { clauses: string[] };

/**
 * A kind of evidence, registered by the area (or module) that owns it: how to find it (a branch of
 * the evidence relation, with the area's own visibility rule), how to load it for an item page or
 * an audit package, and what gaps an auditor will ask about.
 */
export interface EvidenceSource {
  readonly kind: string;
  readonly label: Label;
  /** The values its `state` column takes, with their names (search offers them as a filter). */
  readonly states: Readonly<Record<string, Label>>;
  /** Searched only when asked for by kind (audit events), never in a general search, the matrix or a package. */
  readonly onlyWhenAsked?: boolean;
  /** Its branch for this reader, or null when the reader may never see this kind. */
  branch(env: EvidenceEnv): EvidenceBranch | null;
  /** The full items (files, metadata, audit objects) for ids of this kind the reader may see. */
  load(db: Db, ids: string[], env: EvidenceEnv): Promise<EvidenceItem[]>;
  /** The clause numbers its items can carry (from its categories, classes, templates …), for expanding registry rows. */
  clausesInUse?(db: Db, env: Omit<EvidenceEnv, "access">): Promise<readonly string[]>;
  /** Gaps that are not about counting (missing acknowledgements, overdue reviews …), among what the reader may see. */
  gaps?(ctx: ServiceContext, env: EvidenceEnv, period: { from?: string; to?: string; asOf: string }): Promise<FoundGap[]>;
}

const isAuditor = (a: EvidenceAccess) => a.auditorClauses !== undefined;

function conditions(b: EvidenceBranch, a: EvidenceAccess, f: EvidenceFilter): SQL[] {
  const where: SQL[] = [];
  if (isAuditor(a)) {
    if (a.auditorClauses === null || a.levels.length === 0) return [sql`false`];
    where.push(sql`${b.classification} = any(${textArray(a.levels)})`, sql`${b.clauses} && ${textArray(a.auditorClauses!)}`);
    if (a.auditorPeriod?.from) where.push(sql`${b.date} >= ${a.auditorPeriod.from}::date`);
    if (a.auditorPeriod?.to) where.push(sql`${b.date} <= ${a.auditorPeriod.to}::date`);
    if (b.auditorExtra) where.push(b.auditorExtra);
  } else {
    where.push(b.visible);
  }
  if (f.q) where.push(sql`${b.search} ilike ${`%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}`);
  if (f.clauseNumbers) {
    if (!f.clauseNumbers.length) where.push(sql`false`);
    else where.push(b.byClauses ? b.byClauses(textArray(f.clauseNumbers)) : sql`${b.clauses} && ${textArray(f.clauseNumbers)}`);
  }
  if (f.from) where.push(sql`${b.date} >= ${f.from}::date`);
  if (f.to) where.push(sql`${b.date} <= ${f.to}::date`);
  if (f.person) where.push(b.involves(f.person));
  if (f.department) where.push(sql`${b.department} = ${f.department}`);
  if (f.state) where.push(sql`${b.state} = ${f.state}`);
  if (f.classification) where.push(sql`${b.classification} = ${f.classification}`);
  return where;
}

function select(kind: string, b: EvidenceBranch, a: EvidenceAccess, f: EvidenceFilter, topK?: number): SQL {
  const where = conditions(b, a, f);
  // with topK each branch returns only its newest k rows, so it can read its date index backwards
  // (or its trigram index, whichever the planner finds cheaper) instead of sorting every match
  const top = topK === undefined ? sql`` : sql` order by ${b.date} desc, ${b.id} desc limit ${topK}`;
  return sql`(select ${kind}::text as kind, ${b.id} as id, ${b.reference} as reference, ${b.title} as title, ${b.clauses} as clauses,
    ${b.classification} as classification, ${b.date} as item_date, ${b.state} as state, ${b.department} as department_id
    from ${b.from} where ${sql.join(where, sql` and `)}${top})`;
}

/** The sources that take part: all of them, or the one asked for (a source searched only when asked is left out otherwise). */
export function chosenSources(registry: Registry, kind?: string): EvidenceSource[] {
  return registry.evidenceSources.filter((s) => (kind ? s.kind === kind : !s.onlyWhenAsked));
}

/**
 * Every piece of evidence the reader may see, as one relation (kind, id, reference, title,
 * clauses, classification, item_date, state, department_id), from every registered source.
 * Filters are applied inside each branch together with that area's own visibility rule (or the
 * auditor's grant), so what is not visible is neither listed nor counted, and each branch can use
 * its indexes (trigram on the search text, the date index for "newest first").
 */
export function evidenceRelation(env: EvidenceEnv, f: EvidenceFilter = {}, topK?: number): SQL {
  const branches = chosenSources(env.registry, f.kind)
    .map((s) => ({ kind: s.kind, branch: s.branch(env) }))
    .filter((x): x is { kind: string; branch: EvidenceBranch } => x.branch !== null);
  if (branches.length === 0) {
    return sql`(select null::text as kind, null::text as id, null::text as reference, null::text as title, '{}'::text[] as clauses, null::text as classification, null::date as item_date, null::text as state, null::text as department_id where false)`;
  }
  return sql`(${sql.join(branches.map(({ kind, branch }) => select(kind, branch, env.access, f, topK)), sql` union all `)})`;
}

/** The people each item of the relation `ev` concerns (per source), as a lateral `select … as person`. */
export function peopleOfRelation(env: EvidenceEnv): SQL {
  const parts = chosenSources(env.registry)
    .map((s) => ({ kind: s.kind, branch: s.branch(env) }))
    .filter((x): x is { kind: string; branch: EvidenceBranch } => x.branch !== null)
    .map(({ kind, branch }) => sql`select person from (${branch.people(sql`ev.id`)}) p where ev.kind = ${kind}`);
  return parts.length ? sql.join(parts, sql` union all `) : sql`select null::text as person where false`;
}
