import { z } from "zod";
import { auditEvent, readEvent, Changes } from "../audit/events";

const nullable = z.string().nullable();
const Revision = { revisionId: z.string(), label: z.string() };

export const documentCreated = auditEvent("document.created", "document", { zh: "登记受控文件", en: "Document registered" }, z.strictObject({ after: Changes }));
export const documentUpdated = auditEvent("document.updated", "document", { zh: "修改文件信息", en: "Document details changed" }, z.strictObject({ before: Changes, after: Changes }));
export const documentAccessGranted = auditEvent(
  "document.access_granted",
  "document",
  { zh: "按名授权查阅", en: "Access granted by name" },
  z.strictObject({ userId: z.string(), reason: z.string() }),
);
export const documentHandoverRecorded = auditEvent(
  "document.handover_recorded",
  "document",
  { zh: "登记程序衔接", en: "Procedure handover recorded" },
  z.strictObject({ toDocumentId: z.string(), description: z.string() }),
);
export const documentRevisionStarted = auditEvent("document.revision_started", "document", { zh: "开始修订", en: "Revision started" }, z.strictObject(Revision));
export const documentDraftUpdated = auditEvent(
  "document.draft_updated",
  "document",
  { zh: "修改草稿", en: "Draft changed" },
  z.strictObject({ revisionId: z.string(), before: Changes, after: Changes }),
);
export const documentFileAttached = auditEvent(
  "document.file_attached",
  "document",
  { zh: "上传文件", en: "File attached" },
  z.strictObject({
    revisionId: z.string(),
    kind: z.string(),
    filename: z.string(),
    sha256: z.string(),
    releaseSha256: z.string().optional(),
    conversion: z.unknown(),
  }),
);
export const documentDraftDiscarded = auditEvent("document.draft_discarded", "document", { zh: "放弃草稿", en: "Draft discarded" }, z.strictObject(Revision));
export const documentSubmittedForReview = auditEvent(
  "document.submitted_for_review",
  "document",
  { zh: "提交审核批准", en: "Submitted for review and approval" },
  z.strictObject({
    ...Revision,
    reviewers: z.array(z.string()),
    approverId: z.string(),
    signatureRequestId: z.string(),
    effectiveDate: nullable,
  }),
);
/** The release PDF was certified with the organisation's seal (DocMDP P=2) before review and approval signed it. */
export const documentReleaseCertified = auditEvent(
  "document.release_certified",
  "document",
  { zh: "以电子印章认证发布文件", en: "Release PDF certified with the organisation seal" },
  z.strictObject({ ...Revision, releaseSha256: z.string(), certifiedSha256: z.string(), certificateSerial: z.string(), permissions: z.literal(2) }),
);
/** The release PDF already carried signatures, so it could not be certified: it is signed as it is. */
export const documentReleaseNotCertified = auditEvent(
  "document.release_not_certified",
  "document",
  { zh: "发布文件已带签名，未认证", en: "Release PDF already signed; not certified" },
  z.strictObject({ ...Revision, releaseSha256: z.string(), reason: z.string() }),
);
export const documentReviewed = auditEvent("document.reviewed", "document", { zh: "审核通过", en: "Reviewed" }, z.strictObject(Revision));
export const documentApproved = auditEvent(
  "document.approved",
  "document",
  { zh: "批准", en: "Approved" },
  z.strictObject({ ...Revision, signedSha256: nullable, effectiveDate: nullable }),
);
export const documentRejected = auditEvent("document.rejected", "document", { zh: "退回修改", en: "Rejected" }, z.strictObject({ ...Revision, reason: nullable }));
export const documentEffective = auditEvent(
  "document.effective",
  "document",
  { zh: "生效", en: "In force" },
  z.strictObject({ ...Revision, supersededRevisionId: nullable, nextReviewDue: nullable }),
);
export const documentWithdrawn = auditEvent(
  "document.withdrawn",
  "document",
  { zh: "作废", en: "Withdrawn" },
  z.strictObject({ reason: z.string(), effectiveRevisionId: nullable }),
);
export const documentCopyIssued = readEvent(
  "document.copy_issued",
  "document",
  { zh: "取用文件副本（带标识）", en: "Marked copy taken" },
  /** sha256: the stored PDF the copy was made from; copySha256: the marked copy handed out (to recognise it when uploaded). */
  z.strictObject({ revisionId: z.string(), label: z.string(), state: z.string(), sha256: z.string(), copySha256: z.string().optional() }),
);
export const documentSignedOriginalTaken = readEvent(
  "document.signed_original_taken",
  "document",
  { zh: "取用签署原件（无标识）", en: "Signed original taken (unmarked)" },
  z.strictObject({ revisionId: z.string(), label: z.string(), state: z.string(), sha256: z.string() }),
);
export const documentAcknowledgementRequired = auditEvent(
  "document.acknowledgement_required",
  "document",
  { zh: "要求确认已阅", en: "Acknowledgement requested" },
  z.strictObject({
    ...Revision,
    departmentIds: z.array(z.string()),
    people: z.number().int(),
    notCleared: z.array(z.unknown()),
  }),
);
export const documentAcknowledged = auditEvent(
  "document.acknowledged",
  "document",
  { zh: "确认已阅", en: "Acknowledged" },
  z.strictObject({ revisionId: z.string(), userId: z.string(), signatureRequestId: z.string() }),
);
export const documentPeriodicReviewRecorded = auditEvent(
  "document.periodic_review_recorded",
  "document",
  { zh: "定期评审", en: "Periodic review recorded" },
  z.strictObject({ reviewId: z.string(), outcome: z.string(), revisionId: z.string(), nextReviewDue: nullable, signatureRequestId: z.string() }),
);
export const documentCategoryCreated = auditEvent(
  "document_category.created",
  "document_category",
  { zh: "新增文件类别", en: "Document category added" },
  z.strictObject({ after: Changes }),
);
export const documentCategoryUpdated = auditEvent(
  "document_category.updated",
  "document_category",
  { zh: "修改文件类别", en: "Document category changed" },
  z.strictObject({ before: Changes, after: Changes }),
);

/** The documents area's audit events. */
export const documentEvents = [
  documentCreated,
  documentUpdated,
  documentAccessGranted,
  documentHandoverRecorded,
  documentRevisionStarted,
  documentDraftUpdated,
  documentFileAttached,
  documentDraftDiscarded,
  documentSubmittedForReview,
  documentReviewed,
  documentApproved,
  documentRejected,
  documentEffective,
  documentWithdrawn,
  documentCopyIssued,
  documentSignedOriginalTaken,
  documentReleaseCertified,
  documentReleaseNotCertified,
  documentAcknowledgementRequired,
  documentAcknowledged,
  documentPeriodicReviewRecorded,
  documentCategoryCreated,
  documentCategoryUpdated,
];
