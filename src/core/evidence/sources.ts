import { sql, type SQL } from "drizzle-orm";
import { isGrantBoundAuditor, readableClassifications, type Principal } from "../auth/permissions";
import { contractVisibility } from "../contracts/service";
import { recordVisibility } from "../records/access";

/**
 * Who is reading, with what they may read: the classification levels, and for a grant-bound
 * auditor the leaf clause numbers and the period their grant allows.
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

const arr = (values: string[]) => sql`${sql.raw(`array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")}]`)}::text[]`;

/** Per-branch rule for a grant-bound auditor: readable level, clauses in the grant, date in its period. */
function auditorRule(a: EvidenceAccess, classification: SQL, clauses: SQL, date: SQL): SQL {
  if (a.auditorClauses === null || a.levels.length === 0) return sql`false`;
  const parts: SQL[] = [sql`${classification} = any(${arr(a.levels)})`, sql`${clauses} && ${arr(a.auditorClauses!)}`];
  if (a.auditorPeriod?.from) parts.push(sql`${date} >= ${a.auditorPeriod.from}::date`);
  if (a.auditorPeriod?.to) parts.push(sql`${date} <= ${a.auditorPeriod.to}::date`);
  return sql.join(parts, sql` and `);
}

const isAuditor = (a: EvidenceAccess) => a.auditorClauses !== undefined;

/**
 * Every piece of evidence the reader may see, as one relation with the same columns per kind:
 * approved document revisions, records, external documents, contracts and signature requests
 * (and, for admins who ask, audit events). Each thing is counted once: a signed template declared
 * as a record is the record; signatures of revisions and contracts belong to those; a contract's
 * own records (signed copy, IP review) belong to the contract. Each branch applies its area's own visibility rule (or the
 * auditor's grant), so what is not visible is neither listed nor counted.
 */
export function evidenceRelation(a: EvidenceAccess, templateClauses: [string, string][], includeAuditEvents: boolean): SQL {
  const p = a.principal;
  const templateMap = templateClauses.length
    ? sql`(values ${sql.join(templateClauses.map(([id, clause]) => sql`(${id}, ${clause})`), sql`, `)}) as tc(template_id, clause)`
    : sql`(select null::text as template_id, null::text as clause where false) as tc`;

  const docDate = sql`coalesce(r.effective_date, (r.effective_at at time zone 'Asia/Shanghai')::date, (r.approved_at at time zone 'Asia/Shanghai')::date)`;
  const docVisible = isAuditor(a)
    ? sql`${auditorRule(a, sql`d.classification`, sql`c.clauses`, docDate)} and d.category_id = any(${arr(a.auditorCategories ?? [])})`
    : sql`(d.classification = any(${arr(a.levels)}) or exists (select 1 from document_grants g where g.document_id = d.id and g.user_id = ${p.id}))`;
  const documents = sql`
    select 'document-revision'::text as kind, r.id, d.number || ' ' || r.label as reference, d.title, c.clauses,
      d.classification, ${docDate} as item_date, r.state, d.owner_department_id as department_id,
      array_remove(array[r.drafted_by, r.approver_id] || r.reviewer_ids, null) as person_ids,
      d.number || ' ' || d.title || ' ' || coalesce(d.title_en, '') || ' ' || array_to_string(d.keywords, ' ') || ' ' || coalesce(r.text_content, '') as search_text
    from document_revisions r join documents d on d.id = r.document_id join document_categories c on c.id = d.category_id
    where r.state in ('approved','effective','superseded','obsolete') and ${docVisible}`;

  const recordDate = sql`coalesce(x.obtained_on, records.record_date)`;
  const recordVisible = isAuditor(a)
    ? auditorRule(a, sql`records.classification`, sql`array[cl.clause]`, recordDate)
    : sql.join(recordVisibility(p), sql` and `);
  const recordsBranch = sql`
    select case when x.record_id is null then 'record' else 'external-document' end::text as kind, records.id, records.number as reference,
      records.title, array[cl.clause] as clauses, records.classification, ${recordDate} as item_date, records.status as state,
      records.department_id,
      array_remove(array[records.declared_by, x.received_by] || coalesce((select array_agg(l.target_id) from record_links l where l.record_id = records.id and l.kind = 'user'), '{}'), null) as person_ids,
      records.search_text
    from records join record_classes cl on cl.id = records.class_id left join external_documents x on x.record_id = records.id
    where records.source_kind not in ('contract','contract-review') and ${recordVisible}`;

  const contractDate = sql`coalesce(contracts.signed_on, contracts.effective_on, (contracts.created_at at time zone 'Asia/Shanghai')::date)`;
  const contractVisible = isAuditor(a)
    ? auditorRule(a, sql`contracts.classification`, sql`array['4.3.3']`, contractDate)
    : sql.join(contractVisibility(p), sql` and `);
  const contractsBranch = sql`
    select 'contract'::text as kind, contracts.id, contracts.number as reference, contracts.title, array['4.3.3']::text[] as clauses,
      contracts.classification, ${contractDate} as item_date, contracts.status as state, contracts.department_id,
      array[contracts.owner_id] as person_ids, contracts.search_text
    from contracts where ${contractVisible}`;

  const srClauses = sql`(case when tc.clause is not null then array[tc.clause]
      when sr.source_kind like 'document-%' then array['4.3.2.1'] when sr.source_kind = 'contract' then array['4.3.3'] else '{}'::text[] end)`;
  const srDate = sql`(coalesce(sr.completed_at, sr.created_at) at time zone 'Asia/Shanghai')::date`;
  const srVisible = isAuditor(a)
    ? sql`sr.status = 'completed' and ${auditorRule(a, sql`sr.classification`, srClauses, srDate)}`
    : sql`sr.classification = any(${arr(a.levels)}) and (sr.requested_by = ${p.id} or ${p.roles.includes("admin")}
        or exists (select 1 from signature_request_signers s where s.request_id = sr.id and s.user_id = ${p.id}))`;
  const signatureBranch = sql`
    select 'signature-request'::text as kind, sr.id, null::text as reference, sr.title, ${srClauses} as clauses, sr.classification,
      ${srDate} as item_date, sr.status as state, null::text as department_id,
      array_remove(array[sr.requested_by, sr.subject_user_id] || coalesce((select array_agg(s.user_id) from signature_request_signers s where s.request_id = sr.id), '{}'), null) as person_ids,
      sr.title as search_text
    from signature_requests sr left join ${templateMap} on tc.template_id = sr.template_id
    where sr.source_kind not in ('document-revision','contract','contract-review')
      and not exists (select 1 from records dr where dr.source_kind = 'signature-request' and dr.source_id = sr.id)
      and ${srVisible}`;

  const branches = [documents, recordsBranch, contractsBranch, signatureBranch];
  if (includeAuditEvents && !isAuditor(a) && p.roles.includes("admin")) {
    branches.push(sql`
      select 'audit-event'::text as kind, e.seq::text as id, e.action as reference, e.object_type || ' ' || e.object_id as title,
        '{}'::text[] as clauses, coalesce(v.classification, 'public') as classification, (e.occurred_at at time zone 'Asia/Shanghai')::date as item_date,
        e.action as state, null::text as department_id, array_remove(array[e.actor_id], null) as person_ids,
        e.action || ' ' || e.actor_label || ' ' || e.object_type || ' ' || e.object_id || ' ' || e.data::text as search_text
      from audit_events e left join audit_object_classification v on v.object_type = e.object_type and v.object_id = e.object_id
      where (v.classification is null or v.classification = any(${arr(a.levels)}))`);
  }
  return sql`(${sql.join(branches, sql` union all `)})`;
}
