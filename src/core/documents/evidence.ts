import { eq, inArray, sql } from "drizzle-orm";
import { documentCategories, documentRevisions, documents } from "../../db/schema/documents";
import { displayNames } from "../users/repo";
import { rowsOf, textArray } from "../../db/sql";
import type { Classification } from "../auth/permissions";
import type { EvidenceSource, FoundGap } from "../evidence/source";
import type { EvidenceItem } from "../evidence/types";
import { documentPolicy } from "./access";
import { localDate } from "./numbering";

/** Document control: where overdue periodic reviews are filed. */
const DOCUMENT_CONTROL_CLAUSE = "4.3.2.1";
const RELEASED = sql`r.state in ('approved','effective','superseded','obsolete')`;

const localDay = (d: Date | null | undefined) => (d ? localDate(d) : "");

/**
 * Approved revisions of controlled documents (4.3.2.1 and the clauses their category names): the
 * signed release PDF, its source, who drafted, reviewed and approved it.
 */
export const documentRevisionEvidence: EvidenceSource = {
  kind: "document-revision",
  label: { zh: "受控文件版本", en: "Document revision" },
  states: {
    approved: { zh: "已批准待生效", en: "Approved, not yet effective" },
    effective: { zh: "现行有效", en: "Effective" },
    superseded: { zh: "已替代", en: "Superseded" },
    obsolete: { zh: "已作废", en: "Obsolete" },
  },
  branch: ({ access }) => ({
    from: sql`document_revisions r join ${documents} on ${documents.id} = r.document_id join document_categories c on c.id = ${documents.categoryId}`,
    id: sql`r.id`,
    reference: sql`${documents.number} || ' ' || r.label`,
    title: sql`${documents.title}`,
    clauses: sql`c.clauses`,
    classification: sql`${documents.classification}`,
    date: sql`coalesce(r.effective_date, (r.effective_at at time zone 'Asia/Shanghai')::date, (r.approved_at at time zone 'Asia/Shanghai')::date)`,
    state: sql`r.state`,
    department: sql`${documents.ownerDepartmentId}`,
    search: sql`(${documents.number} || ' ' || ${documents.title} || ' ' || coalesce(${documents.titleEn}, '') || ' ' || array_to_string(${documents.keywords}, ' ') || ' ' || coalesce(r.text_content, ''))`,
    involves: (person) => sql`(r.drafted_by = ${person} or r.approver_id = ${person} or ${person} = any(r.reviewer_ids))`,
    people: (id) => sql`select unnest(array_remove(array[r.drafted_by, r.approver_id] || r.reviewer_ids, null)) as person from document_revisions r where r.id = ${id}`,
    visible: sql`${RELEASED} and ${documentPolicy.rule(access.principal)}`,
    auditorExtra: sql`${RELEASED} and ${documents.categoryId} = any(${textArray(access.auditorCategories ?? [])})`,
  }),
  async clausesInUse(db) {
    const rows = await db.select({ clauses: documentCategories.clauses }).from(documentCategories);
    return [DOCUMENT_CONTROL_CLAUSE, ...rows.flatMap((r) => r.clauses)];
  },
  async load(db, ids) {
    if (!ids.length) return [];
    const rows = await db
      .select({ r: documentRevisions, d: documents, c: documentCategories })
      .from(documentRevisions)
      .innerJoin(documents, eq(documents.id, documentRevisions.documentId))
      .innerJoin(documentCategories, eq(documentCategories.id, documents.categoryId))
      .where(inArray(documentRevisions.id, ids));
    const who = await displayNames(db, rows.flatMap(({ r }) => [r.draftedBy, r.approverId ?? "", ...r.reviewerIds]));
    return rows.map(({ r, d, c }): EvidenceItem => {
      const people = [r.draftedBy, ...r.reviewerIds, r.approverId].filter((x): x is string => !!x);
      return {
        kind: "document-revision",
        id: r.id,
        reference: `${d.number} ${r.label}`,
        title: d.title,
        clauses: c.clauses,
        classification: d.classification as Classification,
        date: r.effectiveDate ?? localDay(r.effectiveAt ?? r.approvedAt),
        state: r.state,
        people: [...new Set(people)].map((id) => ({ id, displayName: who.get(id) ?? id })),
        departmentIds: d.ownerDepartmentId ? [d.ownerDepartmentId] : [],
        files: [
          ...(r.signedSha256 ? [{ role: "signed", sha256: r.signedSha256, size: null, filename: `${d.number}-${r.label}-signed.pdf`, mediaType: "application/pdf" }] : []),
          ...(r.releaseSha256 && r.releaseSha256 !== r.signedSha256
            ? [{ role: "release", sha256: r.releaseSha256, size: null, filename: r.releaseFilename ?? `${d.number}-${r.label}.pdf`, mediaType: "application/pdf" }]
            : []),
          ...(r.sourceSha256
            ? [{ role: "source", sha256: r.sourceSha256, size: null, filename: r.sourceFilename ?? `${d.number}-${r.label}-source`, mediaType: r.sourceMediaType ?? "application/octet-stream" }]
            : []),
        ],
        metadata: {
          number: d.number,
          revision: r.label,
          category: c.id,
          categoryName: c.name,
          changeSummary: r.changeSummary,
          effectiveDate: r.effectiveDate,
          effectiveAt: r.effectiveAt,
          approvedAt: r.approvedAt,
          supersededAt: r.supersededAt,
          obsoletedAt: r.obsoletedAt,
          author: who.get(r.draftedBy),
          reviewers: r.reviewerIds.map((id) => who.get(id) ?? id),
          approver: r.approverId ? who.get(r.approverId) : null,
          signatureRequestId: r.signatureRequestId,
        },
        auditObjects: [{ type: "document", id: d.id }, ...(r.signatureRequestId ? [{ type: "signature_request", id: r.signatureRequestId }] : [])],
      };
    });
  },
  /**
   * - acknowledgement missing: of a revision in force at some time in the period (it took effect by
   *   the period's end and was still in force at its start), and still missing now — an auditor asks
   *   whether the people were told about the rules that applied then, and whether that is settled;
   * - review overdue: as of the period's end, or today if the period ends later (a review that fell
   *   due after the period is not a finding about it), judged on the current due date, so a review
   *   done since then has cleared it.
   * Among the documents the reader may see: the document policy (a grant-bound auditor: the grant's
   * categories, clauses and ceiling).
   */
  async gaps(ctx, { access }, { from, asOf }) {
    const grantBound = access.auditorClauses !== undefined;
    const visible = grantBound
      ? access.auditorClauses?.length
        ? sql`${documentPolicy.rule(access.principal)} and c.clauses && ${textArray(access.auditorClauses)}`
        : sql`false`
      : documentPolicy.rule(access.principal);
    const out: FoundGap[] = [];
    const inForceFrom = sql`coalesce(r.effective_date, (r.effective_at at time zone 'Asia/Shanghai')::date)`;
    const inForceUntil = sql`(coalesce(r.superseded_at, r.obsoleted_at) at time zone 'Asia/Shanghai')::date`;
    const pendingAcks = rowsOf<{ id: string; number: string; title: string; label: string; clauses: string[]; pending: number }>(
      await ctx.db.execute(sql`
        select ${documents.id} as id, ${documents.number} as number, ${documents.title} as title, r.label, c.clauses, count(*)::int as pending
        from document_acknowledgements a
        join document_revisions r on r.id = a.revision_id
        join ${documents} on ${documents.id} = a.document_id
        join document_categories c on c.id = ${documents.categoryId}
        where a.acknowledged_at is null and ${visible}
          and r.state in ('effective','superseded','obsolete') and ${inForceFrom} <= ${asOf}::date
          ${from ? sql`and (r.state = 'effective' or ${inForceUntil} >= ${from}::date)` : sql``}
        group by ${documents.id}, ${documents.number}, ${documents.title}, r.id, r.seq, r.label, c.clauses
        order by ${documents.number}, r.seq`),
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
        select ${documents.id} as id, ${documents.number} as number, ${documents.title} as title, ${documents.nextReviewDue}::text as due
        from ${documents} join document_categories c on c.id = ${documents.categoryId}
        where ${documents.status} = 'active' and ${documents.nextReviewDue} < ${asOf}::date and ${visible}
        order by ${documents.number}`),
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
    return out;
  },
};
