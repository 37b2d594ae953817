import type { DocumentCategoryRow, DocumentRevisionRow, DocumentRow } from "../../db/schema/documents";
import type { Classification, Role } from "../auth/permissions";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * A document as the API shows it: named columns only. The search text (number, title, keywords and
 * the effective revision's full text) is an index and stays inside.
 */
export function presentDocument(d: DocumentRow) {
  return {
    id: d.id,
    number: d.number,
    categoryId: d.categoryId,
    title: d.title,
    titleEn: d.titleEn,
    ownerDepartmentId: d.ownerDepartmentId,
    classification: d.classification as Classification,
    reviewIntervalMonths: d.reviewIntervalMonths,
    keywords: d.keywords,
    effectiveRevisionId: d.effectiveRevisionId,
    nextReviewDue: d.nextReviewDue,
    status: d.status as "active" | "withdrawn",
    createdBy: d.createdBy,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

/** A revision as the API shows it: named columns only; its extracted text (what search reads) stays inside. */
export function presentRevision(r: Omit<DocumentRevisionRow, "textContent">) {
  return {
    id: r.id,
    documentId: r.documentId,
    seq: r.seq,
    label: r.label,
    state: r.state,
    changeSummary: r.changeSummary,
    sourceSha256: r.sourceSha256,
    sourceFilename: r.sourceFilename,
    sourceMediaType: r.sourceMediaType,
    releaseSha256: r.releaseSha256,
    releaseFilename: r.releaseFilename,
    signedSha256: r.signedSha256,
    effectiveDate: r.effectiveDate,
    reviewerIds: r.reviewerIds,
    approverId: r.approverId,
    signatureRequestId: r.signatureRequestId,
    rejection: r.rejection as Record<string, unknown> | null,
    draftedBy: r.draftedBy,
    submittedAt: iso(r.submittedAt),
    approvedAt: iso(r.approvedAt),
    effectiveAt: iso(r.effectiveAt),
    supersededAt: iso(r.supersededAt),
    supersededByRevisionId: r.supersededByRevisionId,
    obsoletedAt: iso(r.obsoletedAt),
    obsoleteReason: r.obsoleteReason,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** A document category as the API shows it. */
export function presentCategory(c: DocumentCategoryRow) {
  return {
    id: c.id,
    name: c.name,
    nameEn: c.nameEn,
    numberPattern: c.numberPattern,
    nextSeq: c.nextSeq,
    labelScheme: c.labelScheme as "alpha" | "numeric",
    clauses: c.clauses,
    draftRoles: c.draftRoles as Role[],
    reviewRoles: c.reviewRoles as Role[],
    approveRoles: c.approveRoles as Role[],
    allowSelfApproval: c.allowSelfApproval,
    acknowledgeable: c.acknowledgeable,
    defaultReviewMonths: c.defaultReviewMonths,
    builtIn: c.builtIn,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
