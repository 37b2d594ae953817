import type { ContractRow } from "../../db/schema/contracts";
import type { SignatureRequestRow } from "../../db/schema/signatures";
import { audit } from "../audit/service";
import { requireRole } from "../auth/guard";
import type { Classification } from "../auth/permissions";
import { inTransaction, type ServiceContext, type TxContext } from "../context";
import { DomainError } from "../errors";
import { getFile } from "../files/service";
import { getOrganisationProfile } from "../organisation/service";
import { chinaDay, today } from "../records/dates";
import { insertDeclaredRecord } from "../records/declare";
import { checkContentNatures, formatMediaType } from "../records/natures";
import { BUILT_IN_CLASS } from "../records/vocabulary";
import * as signatureRepo from "../signatures/repo";
import { openSignatureRequest, signablePageCount } from "../signatures/requests/create";
import { findUser } from "../users/repo";
import * as repo from "./repo";
import type { SendForSigningInput } from "./schemas";
import { loadVisibleContract } from "./service";
import { CONTRACT_WRITE_ROLES } from "./vocabulary";
import { contractReviewWithdrawn, contractSentForSigning, contractSigned } from "./events";
import { contractApproved, contractReviewRejected } from "./events";

/** Signing is refused until a signed IP review approved the contract: the gate of 4.3.3 a). */
function requireApproved(c: ContractRow): void {
  if (c.status === "draft" || c.status === "ip-review") {
    throw new DomainError(
      "IP_REVIEW_REQUIRED",
      `Contract ${c.number} has no approved IP review yet (it is ${c.status === "draft" ? "a draft" : "in IP review"}); it cannot be signed until a reviewer has reviewed it for IP and signed the review.`,
    );
  }
  if (c.status !== "approved") throw new DomainError("INVALID_STATE", `Contract ${c.number} is ${c.status} already.`);
}

/** A pending e-signature request blocks a second one and a scan upload. */
async function requireNoPendingSigning(t: TxContext, c: ContractRow): Promise<void> {
  if (!c.signatureRequestId) return;
  const request = await signatureRepo.findRequest(t.db, c.signatureRequestId);
  if (request?.status === "pending") {
    throw new DomainError("CONFLICT", `Contract ${c.number} is out for e-signature already (request ${request.id}); wait for it or withdraw it first.`);
  }
}

/**
 * Sends an approved contract's text (a PDF) for e-signature through the signing service, to the
 * company's signatories in order. On completion the signed PDF becomes a record (see completion).
 */
export async function sendContractForSigning(ctx: ServiceContext, id: string, input: SendForSigningInput): Promise<SignatureRequestRow> {
  requireRole(ctx, ...CONTRACT_WRITE_ROLES);
  const { contract } = await loadVisibleContract(ctx, id);
  requireApproved(contract);
  if (!contract.draftSha256) throw new DomainError("VALIDATION_FAILED", "The contract has no text to sign.");
  const bytes = await ctx.storage.getBytes(contract.draftSha256);
  const pageCount = signablePageCount(bytes);
  return inTransaction(ctx, async (t) => {
    const c = (await repo.findContract(t.db, id, true))!;
    requireApproved(c);
    await requireNoPendingSigning(t, c);
    const request = await openSignatureRequest(t, {
      title: `${c.number} ${c.title}`,
      classification: c.classification as Classification,
      pdfSha256: contract.draftSha256!,
      pageCount,
      sourceKind: "contract",
      sourceId: c.id,
      dueAt: input.dueAt ? new Date(input.dueAt) : null,
      signers: input.signers,
    });
    await repo.updateContract(t.db, id, { signatureRequestId: request.id, signingMethod: "e-sign", updatedAt: t.clock.now() });
    audit(t, contractSentForSigning, id, { signatureRequestId: request.id, signers: input.signers });
    return request;
  });
}

/** Declares the signed contract as a record (class "signed contracts": retention starts at contract end). */
async function declareSignedContract(t: TxContext, c: ContractRow, content: { sha256: string; size: number; filename: string; mediaType: string }, provenance: string) {
  const natures = await checkContentNatures(t, { sha256: content.sha256, size: content.size, provenance: { description: provenance } });
  const parties = (c.counterparties as { name: string }[]).map((p) => p.name).join("、");
  return insertDeclaredRecord(t, {
    classId: BUILT_IN_CLASS.signedContracts,
    title: `${c.number} ${c.title}（已签署）`,
    recordDate: today(t.clock),
    author: `${(await getOrganisationProfile(t.db)).name}；${parties}`,
    departmentId: c.departmentId,
    classification: c.classification as Classification,
    content: { ...content, mediaType: formatMediaType[natures.format as keyof typeof formatMediaType] ?? content.mediaType },
    sourceKind: "contract",
    sourceId: c.id,
    natures,
    links: [{ kind: "contract", targetId: c.id }],
    searchExtra: [c.number, parties],
  });
}

/**
 * Files a wet-signed scan of an approved contract: the scan becomes the signed contract's record
 * and the contract is signed.
 */
export async function uploadSignedScan(ctx: ServiceContext, id: string, input: { fileId: string; signedOn: string }): Promise<ContractRow> {
  const p = requireRole(ctx, ...CONTRACT_WRITE_ROLES);
  const { contract } = await loadVisibleContract(ctx, id);
  requireApproved(contract);
  if (input.signedOn > today(ctx.clock)) throw new DomainError("VALIDATION_FAILED", "The signing date cannot be in the future.", { field: "signedOn" });
  const file = await getFile(ctx, input.fileId);
  return inTransaction(ctx, async (t) => {
    const c = (await repo.findContract(t.db, id, true))!;
    requireApproved(c);
    await requireNoPendingSigning(t, c);
    const record = await declareSignedContract(t, c, { sha256: file.sha256, size: file.size, filename: file.filename, mediaType: file.mediaType }, `wet-signed scan uploaded by ${p.displayName} (${p.username}), signed ${input.signedOn}`);
    await repo.updateContract(t.db, id, { status: "signed", signingMethod: "wet-ink", signedOn: input.signedOn, signedSha256: file.sha256, signedRecordId: record.id, updatedAt: t.clock.now() });
    audit(t, contractSigned, id, { method: "wet-ink", signedOn: input.signedOn, sha256: file.sha256, recordId: record.id, before: { status: c.status }, after: { status: "signed" } });
    return (await repo.findContract(t.db, id))!;
  });
}

/** Completion of a contract's e-signature request (inside the signing transaction): signed, and filed as a record. */
export async function onContractSigned(t: TxContext, request: SignatureRequestRow): Promise<void> {
  const c = await repo.findContract(t.db, request.sourceId!, true);
  if (!c || c.signatureRequestId !== request.id || c.status !== "approved") return;
  const size = (await t.storage.stat(request.finalSha256!))?.size ?? 0;
  const signers = (await signatureRepo.listSigners(t.db, request.id)).map((s) => s.user.displayName).join("、");
  const record = await declareSignedContract(t, c, { sha256: request.finalSha256!, size, filename: `${c.number}（已签署）.pdf`, mediaType: "application/pdf" }, `e-signed in Custos (request ${request.id}) by ${signers}`);
  const signedOn = chinaDay(request.completedAt ?? t.clock.now());
  await repo.updateContract(t.db, c.id, { status: "signed", signedOn, signedSha256: request.finalSha256, signedRecordId: record.id, updatedAt: t.clock.now() });
  audit(t, contractSigned, c.id, { method: "e-sign", signatureRequestId: request.id, sha256: request.finalSha256, recordId: record.id, before: { status: c.status }, after: { status: "signed" } });
}

/**
 * Completion of an IP review's signature (inside the signing transaction): the review counts, is
 * filed as a record (4.3.3 b), and the contract is approved, or goes back to draft when rejected.
 */
export async function onContractReviewSigned(t: TxContext, request: SignatureRequestRow): Promise<void> {
  const review = await repo.findReview(t.db, request.sourceId!);
  if (!review || review.signatureRequestId !== request.id || review.status !== "awaiting-signature") return;
  const c = (await repo.findContract(t.db, review.contractId, true))!;
  const reviewer = await findUser(t.db, review.reviewerId);
  const size = (await t.storage.stat(request.finalSha256!))?.size ?? 0;
  const natures = await checkContentNatures(t, {
    sha256: request.finalSha256!,
    size,
    provenance: { description: `IP review of ${c.number} signed in Custos by ${reviewer?.displayName} (request ${request.id})` },
  });
  const record = await insertDeclaredRecord(t, {
    classId: BUILT_IN_CLASS.contractReviews,
    title: `合同知识产权审查 ${c.number} ${c.title}`,
    recordDate: today(t.clock),
    author: reviewer?.displayName ?? review.reviewerId,
    departmentId: c.departmentId,
    classification: c.classification as Classification,
    content: { sha256: request.finalSha256!, size, filename: `${c.number}-IP审查.pdf`, mediaType: "application/pdf" },
    sourceKind: "contract-review",
    sourceId: review.id,
    natures,
    links: [{ kind: "contract", targetId: c.id }, { kind: "user", targetId: review.reviewerId }],
    searchExtra: [c.number],
  });
  const now = t.clock.now();
  await repo.updateReview(t.db, review.id, { status: "signed", signedAt: now, recordId: record.id });
  const next = review.decision === "reject" ? "draft" : "approved";
  if (c.status === "ip-review") await repo.updateContract(t.db, c.id, { status: next, updatedAt: now });
  audit(t, review.decision === "reject" ? contractReviewRejected : contractApproved, c.id, {
    reviewId: review.id,
    decision: review.decision,
    recordId: record.id,
    before: { status: c.status },
    after: { status: c.status === "ip-review" ? next : c.status },
  });
}

/** The reviewer declined to sign the review (or it was withdrawn): it does not count; a new review can be recorded. */
export async function onContractReviewClosed(t: TxContext, request: SignatureRequestRow): Promise<void> {
  const review = await repo.findReview(t.db, request.sourceId!);
  if (!review || review.signatureRequestId !== request.id || review.status !== "awaiting-signature") return;
  await repo.updateReview(t.db, review.id, { status: "withdrawn" });
  audit(t, contractReviewWithdrawn, review.contractId, { reviewId: review.id, signatureRequestId: request.id, requestStatus: request.status, reason: request.closedReason });
}
