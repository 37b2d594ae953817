import type { ContractReviewRow, ContractRow } from "../../db/schema/contracts";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { requireRole } from "../auth/guard";
import { classificationLabels, type Classification } from "../auth/permissions";
import { inTransaction, type ServiceContext } from "../context";
import { DomainError } from "../errors";
import { ensureBlob } from "../files/repo";
import { getOrganisationProfile } from "../organisation/service";
import { renderReportPdf } from "../records/report-pdf";
import * as signatureRepo from "../signatures/repo";
import { openSignatureRequest, signablePageCount } from "../signatures/requests/create";
import * as repo from "./repo";
import type { ReviewInput } from "./schemas";
import { loadVisibleContract } from "./service";
import {
  checklistForType,
  checklistLabels,
  contractTypeLabels,
  ipTermLabels,
  IP_TERMS,
  REVIEWER_ROLES,
  reviewDecisionLabels,
  reviewResultLabels,
  type ChecklistItem,
  type ContractType,
} from "./vocabulary";
import { contractReviewRecorded } from "./events";

/** Checks the review against the contract type's checklist; the problems are named for the reviewer. */
export function checkReview(type: ContractType, input: ReviewInput): void {
  const required = checklistForType[type];
  const answered = new Set(input.checklist.map((c) => c.item));
  const missing = required.filter((item) => !answered.has(item));
  if (missing.length) {
    throw new DomainError("VALIDATION_FAILED", `Answer every checklist item for a ${type} contract; missing: ${missing.map((m) => checklistLabels[m].en).join(", ")}.`, { missing });
  }
  if (answered.size !== input.checklist.length) throw new DomainError("VALIDATION_FAILED", "Each checklist item is answered once.");
  const issues = input.checklist.filter((c) => c.result === "issue");
  const unexplained = issues.find((c) => !c.note);
  if (unexplained) throw new DomainError("VALIDATION_FAILED", `Describe the issue found for “${checklistLabels[unexplained.item].en}”.`, { item: unexplained.item });
  if (input.decision === "approve" && issues.length) {
    throw new DomainError("VALIDATION_FAILED", "Items have issues: approve with conditions (and state them) or reject.", { field: "decision" });
  }
  if (input.decision === "approve-with-conditions" && !input.conditions) {
    throw new DomainError("VALIDATION_FAILED", "State the conditions of the approval.", { field: "conditions" });
  }
}

/** The review report the reviewer signs: the contract, its IP terms, the checklist, findings and decision. */
export async function renderReviewReport(
  ctx: ServiceContext,
  c: ContractRow,
  input: ReviewInput,
  reviewer: { displayName: string; username: string },
  reviewId: string,
): Promise<Uint8Array> {
  const terms = c.ipTerms as Record<string, string>;
  const parties = (c.counterparties as { name: string; country?: string }[]).map((x) => (x.country ? `${x.name}（${x.country}）` : x.name)).join("；");
  const type = contractTypeLabels[c.type as ContractType];
  return renderReportPdf({
    title: { zh: "合同知识产权审查表", en: "Contract IP Review" },
    organisation: await getOrganisationProfile(ctx.db),
    headerLine: `${c.number} · ${reviewId} · GB/T 29490 4.3.3`,
    createdAt: ctx.clock.now(),
    keywords: [c.number, reviewId, "4.3.3"],
    signable: true,
    sections: [
      {
        heading: { zh: "合同", en: "Contract" },
        fields: [
          { label: { zh: "合同编号", en: "Number" }, value: c.number },
          { label: { zh: "合同名称", en: "Title" }, value: c.title },
          { label: { zh: "合同类型", en: "Type" }, value: `${type.zh} ${type.en}` },
          { label: { zh: "相对方", en: "Counterparties" }, value: parties },
          { label: { zh: "金额", en: "Value" }, value: c.valueAmount ? `${c.valueAmount} ${c.currency}` : "—" },
          { label: { zh: "期限", en: "Term" }, value: `${c.effectiveOn ?? "—"} — ${c.endOn ?? "—"}` },
          { label: { zh: "密级", en: "Classification" }, value: `${classificationLabels[c.classification as Classification].zh} ${classificationLabels[c.classification as Classification].en}` },
          { label: { zh: "合同文本 SHA-256", en: "Text reviewed (SHA-256)" }, value: c.draftSha256 ?? "—" },
        ],
      },
      {
        heading: { zh: "知识产权条款", en: "IP terms" },
        fields: IP_TERMS.map((k) => ({ label: ipTermLabels[k], value: terms[k] ?? "（未约定 not stated）" })),
      },
      {
        heading: { zh: "审查检查单", en: "Checklist" },
        table: {
          columns: [
            { zh: "审查项", en: "Item" },
            { zh: "结论", en: "Result" },
            { zh: "说明", en: "Note" },
          ],
          widths: [5, 1.6, 4],
          rows: input.checklist.map((i) => [
            `${checklistLabels[i.item as ChecklistItem].zh} ${checklistLabels[i.item as ChecklistItem].en}`,
            `${reviewResultLabels[i.result].zh} ${reviewResultLabels[i.result].en}`,
            i.note ?? "",
          ]),
        },
      },
      { heading: { zh: "审查意见", en: "Findings" }, paragraphs: [input.findings] },
      {
        heading: { zh: "审查结论", en: "Decision" },
        fields: [
          { label: { zh: "结论", en: "Decision" }, value: `${reviewDecisionLabels[input.decision].zh} ${reviewDecisionLabels[input.decision].en}` },
          ...(input.conditions ? [{ label: { zh: "条件", en: "Conditions" }, value: input.conditions }] : []),
          { label: { zh: "审查人", en: "Reviewer" }, value: `${reviewer.displayName} (${reviewer.username})` },
        ],
        paragraphs: ["审查人以电子签名确认本审查表；签名后本表作为记录保存（4.3.3 b）。The reviewer confirms this review with an electronic signature; signed, it is kept as a record (4.3.3 b)."],
      },
    ],
  });
}

/**
 * Records an IP review of a contract in review (legal or an IP manager): checks the checklist for
 * the contract's type, renders the review report and opens a signature request for the reviewer
 * in the same transaction. The review counts once the reviewer has signed it (see completion).
 */
export async function recordIpReview(ctx: ServiceContext, contractId: string, input: ReviewInput): Promise<{ review: ContractReviewRow; signatureRequestId: string }> {
  const p = requireRole(ctx, ...REVIEWER_ROLES);
  const { contract } = await loadVisibleContract(ctx, contractId);
  if (contract.status !== "ip-review") throw new DomainError("INVALID_STATE", `The contract is ${contract.status}; it is reviewed while in IP review.`);
  if (contract.createdBy === p.id) {
    throw new DomainError("FORBIDDEN", `You entered contract ${contract.number}; its IP review must be done by another legal or IP manager.`);
  }
  checkReview(contract.type as ContractType, input);
  const reviewId = newId("crv");
  const pdf = await renderReviewReport(ctx, contract, input, p, reviewId);
  const put = await ctx.storage.put(pdf);
  return inTransaction(ctx, async (t) => {
    const c = (await repo.findContract(t.db, contractId, true))!;
    if (c.status !== "ip-review") throw new DomainError("INVALID_STATE", `The contract is ${c.status}; it is reviewed while in IP review.`);
    for (const open of (await repo.listReviews(t.db, contractId)).filter((r) => r.status === "awaiting-signature")) {
      const request = open.signatureRequestId ? await signatureRepo.findRequest(t.db, open.signatureRequestId) : undefined;
      if (request?.status === "pending") {
        throw new DomainError("CONFLICT", `A review by ${open.reviewerName} is waiting for its signature; it must be signed or declined first.`);
      }
      await repo.updateReview(t.db, open.id, { status: "withdrawn" });
    }
    const now = t.clock.now();
    await ensureBlob(t.db, put.sha256, put.size, now);
    const request = await openSignatureRequest(t, {
      title: `合同知识产权审查 ${c.number} ${c.title}`,
      classification: c.classification as Classification,
      pdfSha256: put.sha256,
      pageCount: signablePageCount(pdf),
      sourceKind: "contract-review",
      sourceId: reviewId,
      signers: [{ userId: p.id, meaning: "reviewed", visibleStamp: true }],
    });
    const review: ContractReviewRow = {
      id: reviewId,
      contractId,
      reviewerId: p.id,
      checklist: input.checklist,
      findings: input.findings,
      decision: input.decision,
      conditions: input.conditions ?? null,
      status: "awaiting-signature",
      reportSha256: put.sha256,
      signatureRequestId: request.id,
      recordId: null,
      createdAt: now,
      signedAt: null,
    };
    await repo.insertReview(t.db, review);
    audit(t, contractReviewRecorded, contractId, { reviewId, decision: input.decision, checklist: input.checklist, findings: input.findings, conditions: input.conditions ?? null, reportSha256: put.sha256, signatureRequestId: request.id });
    return { review, signatureRequestId: request.id };
  });
}
