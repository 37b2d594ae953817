import { PDFDocument, rgb } from "pdf-lib";
import { formatTimeWithOffset } from "../../lib/time";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { requirePrincipal } from "../auth/guard";
import { checkSigningPin } from "../signatures/signer-keys";
import type { Classification } from "../auth/permissions";
import { inTransaction, type ServiceContext } from "../context";
import { DomainError } from "../errors";
import { ensureBlob } from "../files/repo";
import { getOrganisationProfile } from "../organisation/service";
import { embedCjkFont } from "../signatures/pdf/index";
import { updateSigner, listSigners } from "../signatures/repo";
import { openSignatureRequest } from "../signatures/requests/create";
import { signAsSigner } from "../signatures/requests/sign";
import { loadCategory, loadVisibleDocument, mayAct, visibleFilter } from "./access";
import { addMonths, localDate, nextLabel } from "./numbering";
import { newDraftRow } from "./register";
import * as repo from "./repo";
import { withdrawInTransaction } from "./revisions";
import type { PeriodicReviewInput } from "./schemas";
import { documentPeriodicReviewRecorded } from "./events";

const OUTCOMES = {
  "no-change": { zh: "继续有效，无需修改", en: "Remains valid, no change" },
  revise: { zh: "需要修订", en: "To be revised" },
  withdraw: { zh: "作废", en: "To be withdrawn" },
} as const;

/** Documents whose periodic review falls due within `days` (or is overdue), that the caller may see. */
export async function reviewsDue(ctx: ServiceContext, days = 30) {
  const p = requirePrincipal(ctx);
  const today = localDate(ctx.clock.now());
  const horizon = new Date(new Date(`${today}T00:00:00Z`).getTime() + days * 86_400_000).toISOString().slice(0, 10);
  return (await repo.listReviewsDue(ctx.db, visibleFilter(p), horizon)).map((d) => ({ ...d, overdue: !!d.nextReviewDue && d.nextReviewDue < today }));
}

async function renderReviewRecord(
  org: { name: string },
  doc: { number: string; title: string },
  label: string,
  input: PeriodicReviewInput,
  reviewer: string,
  at: string,
): Promise<Uint8Array> {
  const outcome = OUTCOMES[input.outcome];
  const lines: [string, number][] = [
    [org.name, 11],
    ["文件定期评审记录 Periodic Review Record", 18],
    [`文件 Document: ${doc.number} ${doc.title}`, 11],
    [`版本 Revision: ${label}`, 11],
    [`评审结论 Outcome: ${outcome.zh} / ${outcome.en}`, 11],
    [`评审人 Reviewer: ${reviewer}`, 11],
    [`评审时间 Reviewed at: ${at}`, 11],
    ["评审意见 Comments:", 11],
  ];
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.setTitle(`定期评审记录 ${doc.number}`);
  pdf.setProducer("Custos");
  const font = await embedCjkFont(pdf, lines.map((l) => l[0]).join("") + input.comments);
  const page = pdf.addPage([595.28, 841.89]);
  let y = 780;
  for (const [text, size] of lines) {
    page.drawText(text, { x: 56, y, size, font, color: rgb(0.1, 0.1, 0.2) });
    y -= size * 2;
  }
  for (const paragraph of input.comments.split("\n")) {
    let line = "";
    for (const ch of paragraph) {
      if (font.widthOfTextAtSize(line + ch, 11) > 480) {
        page.drawText(line, { x: 56, y, size: 11, font });
        y -= 18;
        line = "";
      }
      line += ch;
    }
    page.drawText(line, { x: 56, y, size: 11, font });
    y -= 18;
  }
  return pdf.save();
}

/**
 * Records a periodic review of a document (no change / revise / withdraw) as a signed record: a
 * review record PDF signed by the reviewer (meaning 审核), kept like any signature. The next
 * review falls due one interval from today; "revise" opens a new draft revision; "withdraw"
 * withdraws the document.
 */
export async function recordPeriodicReview(ctx: ServiceContext, documentId: string, input: PeriodicReviewInput) {
  const { p, doc } = await loadVisibleDocument(ctx, documentId);
  const category = await loadCategory(ctx, doc.categoryId);
  if (!mayAct(p, category, "review") && !mayAct(p, category, "approve")) {
    throw new DomainError("FORBIDDEN", `Only reviewers or approvers of “${category.name}” record periodic reviews.`);
  }
  if (doc.status !== "active" || !doc.effectiveRevisionId) throw new DomainError("INVALID_STATE", "Only a document in force is reviewed periodically.");
  if (input.outcome === "withdraw" && !mayAct(p, category, "approve")) {
    throw new DomainError("FORBIDDEN", "Withdrawing needs the approve role of this category.");
  }
  // the PIN first: a wrong one must not leave a signature request behind
  await checkSigningPin(ctx, input.pin);
  const revision = (await repo.findRevision(ctx.db, doc.effectiveRevisionId))!;
  const now = ctx.clock.now();
  const pdf = await renderReviewRecord(await getOrganisationProfile(ctx.db), doc, revision.label, input, p.displayName, formatTimeWithOffset(now));
  const put = await ctx.storage.put(pdf);
  await ensureBlob(ctx.db, put.sha256, put.size, now);
  const request = await inTransaction(ctx, async (t) => {
    const r = await openSignatureRequest(t, {
      title: `定期评审 ${doc.number} ${revision.label}`,
      classification: doc.classification as Classification,
      pdfSha256: put.sha256,
      pageCount: 1,
      sourceKind: "document-periodic-review",
      sourceId: documentId,
      signers: [{ userId: p.id, meaning: "reviewed", visibleStamp: true }],
    });
    // the reviewer wrote this record: it counts as read
    const [signer] = await listSigners(t.db, r.id);
    await updateSigner(t.db, signer!.signer.id, { viewedAt: now, readSha256: put.sha256 });
    return r;
  });
  const reviewId = newId("prv");
  const nextReviewDue = input.outcome === "withdraw" ? null : addMonths(localDate(now), doc.reviewIntervalMonths);
  await signAsSigner(ctx, request.id, { pin: input.pin, consent: true }, {
    onCompleted: async (t) => {
      await repo.insertPeriodicReview(t.db, {
        id: reviewId,
        documentId,
        revisionId: revision.id,
        outcome: input.outcome,
        comments: input.comments,
        reviewedBy: p.id,
        signatureRequestId: request.id,
        nextReviewDue,
        createdAt: now,
      });
      await repo.updateDocument(t.db, documentId, { nextReviewDue, updatedAt: now });
      audit(t, documentPeriodicReviewRecorded, documentId, { reviewId, outcome: input.outcome, revisionId: revision.id, nextReviewDue, signatureRequestId: request.id });
      if (input.outcome === "withdraw") await withdrawInTransaction(t, documentId, `定期评审结论：作废 Periodic review: withdraw — ${input.comments}`);
      if (input.outcome === "revise") {
        const revisions = await repo.listRevisions(t.db, documentId);
        if (!revisions.some((r) => ["draft", "in_review", "in_approval", "approved"].includes(r.state))) {
          const last = revisions[revisions.length - 1]!;
          await repo.insertRevision(t.db, newDraftRow(documentId, last.seq + 1, nextLabel(category.labelScheme, last.label, false), p.id, now));
        }
      }
    },
  });
  return { reviewId, signatureRequestId: request.id, nextReviewDue };
}
