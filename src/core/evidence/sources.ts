import { sql, type SQL } from "drizzle-orm";
import { isGrantBoundAuditor, readableClassifications, type Principal } from "../auth/permissions";
import { contractAuditDate, contractVisibility } from "../contracts/service";
import { CONTRACT_CLAUSE } from "../contracts/vocabulary";
import { recordVisibility } from "../records/access";

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

const arr = (values: string[]) => sql`${sql.raw(`array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")}]`)}::text[]`;
const isAuditor = (a: EvidenceAccess) => a.auditorClauses !== undefined;

/** One kind of evidence as a SELECT with the relation's columns. */
interface Branch {
  kind: SQL;
  kinds: string[];
  from: SQL;
  id: SQL;
  reference: SQL;
  title: SQL;
  clauses: SQL;
  classification: SQL;
  /** A plain indexed column where possible, so "newest first" reads an index backwards. */
  date: SQL;
  state: SQL;
  department: SQL;
  search: SQL;
  /** The person is involved (author, signer, subject, owner …). */
  involves: (person: string) => SQL;
  /** Visibility for people who are not grant-bound auditors. */
  visible: SQL;
  /**
   * The clause filter in a form an index can serve (e.g. the record's class id among the classes of
   * those clauses), used besides the generic `clauses && …` test.
   */
  byClauses?: (clauseNumbers: SQL) => SQL;
  /** Extra condition for grant-bound auditors on top of the generic grant rule. */
  auditorExtra?: SQL;
}

function conditions(b: Branch, a: EvidenceAccess, f: EvidenceFilter): SQL[] {
  const where: SQL[] = [];
  if (isAuditor(a)) {
    if (a.auditorClauses === null || a.levels.length === 0) return [sql`false`];
    where.push(sql`${b.classification} = any(${arr(a.levels)})`, sql`${b.clauses} && ${arr(a.auditorClauses!)}`);
    if (a.auditorPeriod?.from) where.push(sql`${b.date} >= ${a.auditorPeriod.from}::date`);
    if (a.auditorPeriod?.to) where.push(sql`${b.date} <= ${a.auditorPeriod.to}::date`);
    if (b.auditorExtra) where.push(b.auditorExtra);
  } else {
    where.push(b.visible);
  }
  if (f.q) where.push(sql`${b.search} ilike ${`%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}`);
  if (f.clauseNumbers) {
    if (!f.clauseNumbers.length) where.push(sql`false`);
    else where.push(b.byClauses ? b.byClauses(arr(f.clauseNumbers)) : sql`${b.clauses} && ${arr(f.clauseNumbers)}`);
  }
  if (f.from) where.push(sql`${b.date} >= ${f.from}::date`);
  if (f.to) where.push(sql`${b.date} <= ${f.to}::date`);
  if (f.person) where.push(b.involves(f.person));
  if (f.department) where.push(sql`${b.department} = ${f.department}`);
  if (f.state) where.push(sql`${b.state} = ${f.state}`);
  if (f.classification) where.push(sql`${b.classification} = ${f.classification}`);
  return where;
}

function select(b: Branch, a: EvidenceAccess, f: EvidenceFilter, topK?: number): SQL {
  const where = conditions(b, a, f);
  // with topK each branch returns only its newest k rows, so it can read its date index backwards
  // (or its trigram index, whichever the planner finds cheaper) instead of sorting every match
  const top = topK === undefined ? sql`` : sql` order by ${b.date} desc, ${b.id} desc limit ${topK}`;
  return sql`(select ${b.kind} as kind, ${b.id} as id, ${b.reference} as reference, ${b.title} as title, ${b.clauses} as clauses,
    ${b.classification} as classification, ${b.date} as item_date, ${b.state} as state, ${b.department} as department_id
    from ${b.from} where ${sql.join(where, sql` and `)}${top})`;
}

/**
 * Every piece of evidence the reader may see, as one relation (kind, id, reference, title,
 * clauses, classification, item_date, state, department_id): approved document revisions, records,
 * external documents, contracts and signature requests (and, for admins who ask, audit events).
 * Filters are applied inside each branch together with that area's own visibility rule (or the
 * auditor's grant), so what is not visible is neither listed nor counted, and each branch can use
 * its indexes (trigram on the search text, the date index for "newest first").
 *
 * Each thing is counted once: a signed template declared as a record is the record; signatures of
 * revisions and contracts belong to those; a contract's own records (signed copy, IP review)
 * belong to the contract.
 */
export function evidenceRelation(
  a: EvidenceAccess,
  templateClauses: [string, string][],
  includeAuditEvents: boolean,
  f: EvidenceFilter = {},
  /** Only the newest k rows of each kind are needed (a page of results newest first). */
  topK?: number,
): SQL {
  const p = a.principal;
  const templateMap = templateClauses.length
    ? sql`(values ${sql.join(templateClauses.map(([id, clause]) => sql`(${id}, ${clause})`), sql`, `)}) as tc(template_id, clause)`
    : sql`(select null::text as template_id, null::text as clause where false) as tc`;

  const branches: Branch[] = [];
  const docDate = sql`coalesce(r.effective_date, (r.effective_at at time zone 'Asia/Shanghai')::date, (r.approved_at at time zone 'Asia/Shanghai')::date)`;
  branches.push({
    kind: sql`'document-revision'::text`,
    kinds: ["document-revision"],
    from: sql`document_revisions r join documents d on d.id = r.document_id join document_categories c on c.id = d.category_id`,
    id: sql`r.id`,
    reference: sql`d.number || ' ' || r.label`,
    title: sql`d.title`,
    clauses: sql`c.clauses`,
    classification: sql`d.classification`,
    date: docDate,
    state: sql`r.state`,
    department: sql`d.owner_department_id`,
    search: sql`(d.number || ' ' || d.title || ' ' || coalesce(d.title_en, '') || ' ' || array_to_string(d.keywords, ' ') || ' ' || coalesce(r.text_content, ''))`,
    involves: (person) => sql`(r.drafted_by = ${person} or r.approver_id = ${person} or ${person} = any(r.reviewer_ids))`,
    visible: sql`r.state in ('approved','effective','superseded','obsolete') and (d.classification = any(${arr(a.levels)}) or exists (select 1 from document_grants g where g.document_id = d.id and g.user_id = ${p.id}))`,
    auditorExtra: sql`r.state in ('approved','effective','superseded','obsolete') and d.category_id = any(${arr(a.auditorCategories ?? [])})`,
  });

  const recordVisible = sql.join(recordVisibility(p), sql` and `);
  const recordInvolves = (person: string) =>
    sql`(records.declared_by = ${person} or exists (select 1 from record_links l where l.record_id = records.id and l.kind = 'user' and l.target_id = ${person}))`;
  // a released revision's record is the revision itself; a contract's own records belong to the contract
  const ownedElsewhereExcluded = sql`records.source_kind not in ('contract','contract-review','document-revision')`;
  branches.push({
    kind: sql`'record'::text`,
    kinds: ["record"],
    from: sql`records join record_classes cl on cl.id = records.class_id`,
    id: sql`records.id`,
    reference: sql`records.number`,
    title: sql`records.title`,
    clauses: sql`array[cl.clause]`,
    classification: sql`records.classification`,
    date: sql`records.record_date`,
    state: sql`records.status`,
    department: sql`records.department_id`,
    search: sql`records.search_text`,
    involves: recordInvolves,
    byClauses: (numbers) => sql`records.class_id = any(array(select id from record_classes where clause = any(${numbers})))`,
    visible: sql`${ownedElsewhereExcluded} and not exists (select 1 from external_documents x where x.record_id = records.id) and ${recordVisible}`,
    auditorExtra: sql`${ownedElsewhereExcluded} and not exists (select 1 from external_documents x where x.record_id = records.id)`,
  });
  branches.push({
    kind: sql`'external-document'::text`,
    kinds: ["external-document"],
    from: sql`external_documents x join records on records.id = x.record_id join record_classes cl on cl.id = records.class_id`,
    id: sql`records.id`,
    reference: sql`records.number`,
    title: sql`records.title`,
    clauses: sql`array[cl.clause]`,
    classification: sql`records.classification`,
    date: sql`x.obtained_on`,
    state: sql`records.status`,
    department: sql`records.department_id`,
    search: sql`records.search_text`,
    involves: (person) => sql`(x.received_by = ${person} or ${recordInvolves(person)})`,
    byClauses: (numbers) => sql`records.class_id = any(array(select id from record_classes where clause = any(${numbers})))`,
    visible: recordVisible,
  });

  const contractVisible = sql.join(contractVisibility(p), sql` and `);
  branches.push({
    kind: sql`'contract'::text`,
    kinds: ["contract"],
    from: sql`contracts`,
    id: sql`contracts.id`,
    reference: sql`contracts.number`,
    title: sql`contracts.title`,
    clauses: sql`array[${sql.raw(`'${CONTRACT_CLAUSE}'`)}]::text[]`,
    classification: sql`contracts.classification`,
    date: contractAuditDate,
    state: sql`contracts.status`,
    department: sql`contracts.department_id`,
    search: sql`contracts.search_text`,
    involves: (person) => sql`contracts.owner_id = ${person}`,
    visible: contractVisible,
  });

  const srClauses = sql`(case when tc.clause is not null then array[tc.clause]
      when sr.source_kind like 'document-%' then array['4.3.2.1'] when sr.source_kind = 'contract' then array['4.3.3'] else '{}'::text[] end)`;
  const ownRequest = sql`sr.source_kind not in ('document-revision','contract','contract-review')
      and not exists (select 1 from records dr where dr.source_kind = 'signature-request' and dr.source_id = sr.id)`;
  branches.push({
    kind: sql`'signature-request'::text`,
    kinds: ["signature-request"],
    from: sql`signature_requests sr left join ${templateMap} on tc.template_id = sr.template_id`,
    id: sql`sr.id`,
    reference: sql`null::text`,
    title: sql`sr.title`,
    clauses: srClauses,
    classification: sql`sr.classification`,
    date: sql`(coalesce(sr.completed_at, sr.created_at) at time zone 'Asia/Shanghai')::date`,
    state: sql`sr.status`,
    department: sql`null::text`,
    search: sql`sr.title`,
    involves: (person) =>
      sql`(sr.requested_by = ${person} or sr.subject_user_id = ${person} or exists (select 1 from signature_request_signers s where s.request_id = sr.id and s.user_id = ${person}))`,
    visible: sql`${ownRequest} and sr.classification = any(${arr(a.levels)}) and (sr.requested_by = ${p.id} or ${p.roles.includes("admin")}
        or exists (select 1 from signature_request_signers s where s.request_id = sr.id and s.user_id = ${p.id}))`,
    auditorExtra: sql`${ownRequest} and sr.status = 'completed'`,
  });

  if (includeAuditEvents && !isAuditor(a) && p.roles.includes("admin")) {
    branches.push({
      kind: sql`'audit-event'::text`,
      kinds: ["audit-event"],
      from: sql`audit_events e left join audit_object_classification v on v.object_type = e.object_type and v.object_id = e.object_id`,
      id: sql`e.seq::text`,
      reference: sql`e.action`,
      title: sql`e.object_type || ' ' || e.object_id`,
      clauses: sql`'{}'::text[]`,
      classification: sql`coalesce(v.classification, 'public')`,
      date: sql`(e.occurred_at at time zone 'Asia/Shanghai')::date`,
      state: sql`e.action`,
      department: sql`null::text`,
      search: sql`(e.action || ' ' || e.actor_label || ' ' || e.object_type || ' ' || e.object_id || ' ' || e.data::text)`,
      involves: (person) => sql`e.actor_id = ${person}`,
      visible: sql`(v.classification is null or v.classification = any(${arr(a.levels)}))`,
    });
  }
  const chosen = f.kind ? branches.filter((b) => b.kinds.includes(f.kind!)) : branches;
  if (chosen.length === 0) return sql`(select null::text as kind, null::text as id, null::text as reference, null::text as title, '{}'::text[] as clauses, null::text as classification, null::date as item_date, null::text as state, null::text as department_id where false)`;
  return sql`(${sql.join(chosen.map((b) => select(b, a, f, topK)), sql` union all `)})`;
}
