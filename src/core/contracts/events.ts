import { z } from "zod";
import { auditEvent, Changes } from "../audit/events";

const nullable = z.string().nullable();
const StatusChange = z.object({ status: z.string() });
const Transition = z.strictObject({
  before: StatusChange,
  after: z.object({ status: z.string(), on: z.string(), reason: z.string().nullish() }),
});

export const contractCreated = auditEvent("contract.created", "contract", { zh: "登记合同", en: "Contract registered" }, z.strictObject({ after: Changes }));
export const contractImported = auditEvent(
  "contract.imported",
  "contract",
  { zh: "导入合同", en: "Contract imported" },
  z.strictObject({ filename: z.string(), line: z.number().int(), status: z.string(), after: Changes }),
);
export const contractUpdated = auditEvent(
  "contract.updated",
  "contract",
  { zh: "修改合同", en: "Contract changed" },
  z.strictObject({ reason: z.string().nullish(), before: Changes, after: Changes }),
);
export const contractDraftAttached = auditEvent(
  "contract.draft_attached",
  "contract",
  { zh: "上传合同文本", en: "Contract text attached" },
  z.strictObject({ before: nullable, after: z.object({ sha256: z.string(), filename: z.string(), fileId: z.string() }) }),
);
export const contractSubmittedForReview = auditEvent(
  "contract.submitted_for_review",
  "contract",
  { zh: "提交知识产权审查", en: "Submitted for IP review" },
  z.strictObject({ before: StatusChange, after: StatusChange }),
);
export const contractReviewRecorded = auditEvent(
  "contract.review_recorded",
  "contract",
  { zh: "登记知识产权审查", en: "IP review recorded" },
  z.strictObject({
    reviewId: z.string(),
    decision: z.string(),
    checklist: z.unknown(),
    findings: z.string(),
    conditions: nullable,
    reportSha256: z.string(),
    signatureRequestId: z.string(),
  }),
);
const ReviewOutcome = z.strictObject({ reviewId: z.string(), decision: z.string(), recordId: z.string(), before: StatusChange, after: StatusChange });
export const contractApproved = auditEvent("contract.approved", "contract", { zh: "知识产权审查通过", en: "IP review passed" }, ReviewOutcome);
export const contractReviewRejected = auditEvent("contract.review_rejected", "contract", { zh: "知识产权审查未通过", en: "IP review rejected" }, ReviewOutcome);
export const contractReviewWithdrawn = auditEvent(
  "contract.review_withdrawn",
  "contract",
  { zh: "知识产权审查撤回", en: "IP review withdrawn" },
  z.strictObject({ reviewId: z.string(), signatureRequestId: z.string(), requestStatus: z.string(), reason: nullable }),
);
export const contractSentForSigning = auditEvent(
  "contract.sent_for_signing",
  "contract",
  { zh: "发起签署", en: "Sent for signing" },
  z.strictObject({ signatureRequestId: z.string(), signers: z.unknown() }),
);
export const contractSigned = auditEvent(
  "contract.signed",
  "contract",
  { zh: "合同签署", en: "Contract signed" },
  z.strictObject({
    method: z.enum(["e-sign", "wet-ink"]),
    signedOn: z.string().optional(),
    signatureRequestId: z.string().optional(),
    sha256: nullable,
    recordId: z.string(),
    before: StatusChange,
    after: StatusChange,
  }),
);
export const contractInForce = auditEvent("contract.in_force", "contract", { zh: "合同生效", en: "Contract in force" }, Transition);
export const contractExpired = auditEvent("contract.expired", "contract", { zh: "合同到期", en: "Contract expired" }, Transition);
export const contractTerminated = auditEvent("contract.terminated", "contract", { zh: "合同终止", en: "Contract terminated" }, Transition);

/** The contract register's audit events. */
export const contractReturnedToDraft = auditEvent(
  "contract.returned_to_draft",
  "contract",
  { zh: "退回草稿", en: "Contract returned to draft" },
  z.strictObject({ reason: z.string(), withdrawnReviews: z.array(z.string()), before: StatusChange, after: StatusChange }),
);

export const contractEvents = [
  contractReturnedToDraft,
  contractCreated,
  contractImported,
  contractUpdated,
  contractDraftAttached,
  contractSubmittedForReview,
  contractReviewRecorded,
  contractApproved,
  contractReviewRejected,
  contractReviewWithdrawn,
  contractSentForSigning,
  contractSigned,
  contractInForce,
  contractExpired,
  contractTerminated,
];
