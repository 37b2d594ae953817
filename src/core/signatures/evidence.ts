import { inArray, sql } from "drizzle-orm";
import { signatureRequests, signatureRequestSigners, signatures } from "../../db/schema/signatures";
import { textArray } from "../../db/sql";
import type { Classification } from "../auth/permissions";
import { localDate } from "../documents/numbering";
import type { EvidenceEnv, EvidenceSource } from "../evidence/source";
import type { EvidenceItem } from "../evidence/types";
import { displayNames } from "../users/repo";
import { signatureRequestPolicy } from "./requests/view";

/** The clause each request evidences: its template's, else its source's (none for a plain PDF). */
function clauseOf(env: EvidenceEnv): { sql: ReturnType<typeof sql>; of(templateId: string | null, sourceKind: string): string | undefined } {
  const sources = env.registry.signatureSources.filter((s) => s.clause);
  const whens = [
    ...env.templateClauses.map(([id, clause]) => sql`when sr.template_id = ${id} then array[${clause}::text]`),
    ...sources.map((s) => sql`when sr.source_kind = ${s.kind} then array[${s.clause!}::text]`),
  ];
  const templateClause = new Map(env.templateClauses);
  return {
    sql: whens.length ? sql`(case ${sql.join(whens, sql` `)} else '{}'::text[] end)` : sql`'{}'::text[]`,
    of: (templateId, sourceKind) => (templateId ? templateClause.get(templateId) : undefined) ?? sources.find((s) => s.kind === sourceKind)?.clause,
  };
}

/**
 * Signature requests that stand on their own (templates such as the IP declaration, acknowledgements,
 * uploaded PDFs): not those that are part of a revision or a contract, nor those whose signed PDF
 * was declared a record (the record is the evidence then).
 */
export const signatureRequestEvidence: EvidenceSource = {
  kind: "signature-request",
  label: { zh: "电子签署", en: "Signature request" },
  states: {
    completed: { zh: "已完成", en: "Completed" },
    pending: { zh: "签署中", en: "In progress" },
    declined: { zh: "已拒绝", en: "Declined" },
    cancelled: { zh: "已撤回", en: "Withdrawn" },
  },
  branch(env) {
    const partOfSource = env.registry.signatureSources.filter((s) => s.partOfSource).map((s) => s.kind);
    const own = sql`not (sr.source_kind = any(${textArray(partOfSource)}))
      and not exists (select 1 from records dr where dr.source_kind = 'signature-request' and dr.source_id = sr.id)`;
    return {
      from: sql`${signatureRequests} sr`,
      id: sql`sr.id`,
      reference: sql`null::text`,
      title: sql`sr.title`,
      clauses: clauseOf(env).sql,
      classification: sql`sr.classification`,
      date: sql`(coalesce(sr.completed_at, sr.created_at) at time zone 'Asia/Shanghai')::date`,
      state: sql`sr.status`,
      department: sql`null::text`,
      search: sql`sr.title`,
      involves: (person) =>
        sql`(sr.requested_by = ${person} or sr.subject_user_id = ${person} or exists (select 1 from signature_request_signers s where s.request_id = sr.id and s.user_id = ${person}))`,
      people: (id) => sql`select user_id as person from signature_request_signers where request_id = ${id} union all select subject_user_id from signature_requests where id = ${id}`,
      visible: sql`${own} and ${signatureRequestPolicy.visibleId(env.access.principal, sql`sr.id`)}`,
      auditorExtra: sql`${own} and sr.status = 'completed'`,
    };
  },
  clausesInUse: async (_db, env) => [...env.templateClauses.map(([, clause]) => clause), ...env.registry.signatureSources.flatMap((s) => (s.clause ? [s.clause] : []))],
  async load(db, ids, env) {
    if (!ids.length) return [];
    const rows = await db.select().from(signatureRequests).where(inArray(signatureRequests.id, ids));
    const signers = await db.select().from(signatureRequestSigners).where(inArray(signatureRequestSigners.requestId, ids));
    const made = await db.select().from(signatures).where(inArray(signatures.requestId, ids));
    const who = await displayNames(db, [...rows.flatMap((r) => [r.requestedBy, r.subjectUserId ?? ""]), ...signers.map((s) => s.userId)]);
    const clauses = clauseOf(env);
    return rows.map((sr): EvidenceItem => {
      const mine = signers.filter((s) => s.requestId === sr.id).sort((a, b) => a.position - b.position);
      const people = [sr.requestedBy, sr.subjectUserId, ...mine.map((s) => s.userId)].filter((v): v is string => !!v);
      const clause = clauses.of(sr.templateId, sr.sourceKind);
      return {
        kind: "signature-request",
        id: sr.id,
        reference: null,
        title: sr.title,
        clauses: clause ? [clause] : [],
        classification: sr.classification as Classification,
        date: localDate(sr.completedAt ?? sr.createdAt),
        state: sr.status,
        people: [...new Set(people)].map((id) => ({ id, displayName: who.get(id) ?? id })),
        departmentIds: [],
        files: sr.finalSha256 ? [{ role: "signed", sha256: sr.finalSha256, size: null, filename: `${sr.title}.pdf`, mediaType: "application/pdf" }] : [],
        metadata: {
          template: sr.templateId ? { id: sr.templateId, revision: sr.templateRevision } : null,
          source: { kind: sr.sourceKind, id: sr.sourceId },
          subject: sr.subjectUserId ? who.get(sr.subjectUserId) : null,
          requestedBy: who.get(sr.requestedBy),
          createdAt: sr.createdAt,
          completedAt: sr.completedAt,
          originalSha256: sr.originalSha256,
          signers: mine.map((s) => {
            const sig = made.find((m) => m.signerId === s.id);
            return { name: who.get(s.userId), meaning: s.meaning, status: s.status, signedAt: s.signedAt, certificateSerial: sig?.certificateSerial ?? null, declineReason: s.declineReason };
          }),
        },
        auditObjects: [{ type: "signature_request", id: sr.id }],
      };
    });
  },
};
