import { principalOf } from "../auth/service";
import type { DocumentRevisionRow, DocumentRow } from "../../db/schema/documents";
import type { SignatureRequestRow } from "../../db/schema/signatures";
import type { UserRow } from "../../db/schema/users";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { clearedFor, hasRole, type Classification, type Role } from "../auth/permissions";
import { inTransaction, type ServiceContext, type TxContext } from "../context";
import { DomainError, notFound } from "../errors";
import { ensureBlob } from "../files/repo";
import { listSigners } from "../signatures/repo";
import { openSignatureRequest, signablePageCount } from "../signatures/requests/create";
import { recordDocumentRead } from "../signatures/requests/read";
import { certifyWithOrganisationSeal } from "../signatures/organisation-seal";
import { inspectPdfSignatures } from "../signatures/pdf/index";
import { declineAsSigner, openDocumentForSigning, signAsSigner } from "../signatures/requests/sign";
import type { BlobBody } from "../storage/blob-store";
import { findUser, listUsers } from "../users/repo";
import { declareReleasedRevision, documentWithdrawn as startRetentionOnWithdrawal, revisionSuperseded } from "../records/from-revision";
import { loadCategory, loadVisibleDocument, maySeeDocument, mayAct, requireCategoryRole } from "./access";
import { reopenAcknowledgements, withdrawAcknowledgements } from "./acknowledgements";
import { CONVERTIBLE, convertToPdf } from "./convert";
import { addMonths, localDate, nextLabel } from "./numbering";
import { buildSearchText, newDraftRow } from "./register";
import * as repo from "./repo";
import type { DecisionInput, SubmitForReviewInput, UpdateDraftInput } from "./schemas";
import { extractPdfText } from "./text";
import { detectFormat } from "../records/natures";
import { documentApproved, documentDraftDiscarded, documentReleaseCertified, documentReleaseNotCertified, documentDraftUpdated, documentEffective, documentFileAttached, documentRejected, documentReviewed, documentRevisionStarted, documentSubmittedForReview, documentWithdrawn } from "./events";
import { z } from "zod";
import { defineJob } from "../jobs/define";
import { assertNoBidiControls } from "../text";

/** A revision with its document, visible to the caller. */
async function loadRevision(ctx: ServiceContext, revisionId: string, lock = false) {
  const revision = await repo.findRevision(ctx.db, revisionId, lock);
  if (!revision) throw notFound("The revision");
  const { p, doc } = await loadVisibleDocument(ctx, revision.documentId);
  return { p, doc, revision };
}

function requireDraft(revision: DocumentRevisionRow): void {
  if (revision.state !== "draft") {
    throw new DomainError(
      "INVALID_STATE",
      `Revision ${revision.label} is ${revision.state.replace("_", " ")}: its content can no longer change. Start a new revision instead.`,
    );
  }
}

/** Starts the next revision (a new draft) of a document; only one revision may be open at a time. */
export async function createRevision(ctx: ServiceContext, documentId: string, input: { major: boolean }): Promise<DocumentRevisionRow> {
  return inTransaction(ctx, async (t) => {
    const { p, doc } = await loadVisibleDocument(t, documentId, true);
    const category = await loadCategory(t, doc.categoryId);
    requireCategoryRole(p, category, "draft");
    if (doc.status !== "active") throw new DomainError("INVALID_STATE", "The document was withdrawn; it cannot be revised.");
    const revisions = await repo.listRevisions(t.db, documentId);
    const open = revisions.find((r) => ["draft", "in_review", "in_approval", "approved"].includes(r.state));
    if (open) throw new DomainError("INVALID_STATE", `Revision ${open.label} is still ${open.state.replace("_", " ")}; finish it first.`);
    const last = revisions[revisions.length - 1]!;
    const row = newDraftRow(documentId, last.seq + 1, nextLabel(category.labelScheme, last.label, input.major), p.id, t.clock.now());
    await repo.insertRevision(t.db, row);
    audit(t, documentRevisionStarted, documentId, { revisionId: row.id, label: row.label });
    return row;
  });
}

/** Edits a draft's change summary or effective date. */
export async function updateDraft(ctx: ServiceContext, revisionId: string, input: UpdateDraftInput): Promise<void> {
  await inTransaction(ctx, async (t) => {
    const { p, doc, revision } = await loadRevision(t, revisionId, true);
    requireCategoryRole(p, await loadCategory(t, doc.categoryId), "draft");
    requireDraft(revision);
    const patch: Partial<DocumentRevisionRow> = { updatedAt: t.clock.now() };
    if (input.changeSummary !== undefined) patch.changeSummary = input.changeSummary;
    if (input.effectiveDate !== undefined) patch.effectiveDate = input.effectiveDate;
    await repo.updateRevision(t.db, revisionId, patch);
    audit(t, documentDraftUpdated, doc.id, { revisionId, before: { changeSummary: revision.changeSummary, effectiveDate: revision.effectiveDate }, after: input });
  });
}

/** A file to attach to a draft: the source (DOCX or other) or the release PDF. */
export interface AttachInput {
  kind: "source" | "release";
  body: BlobBody;
  filename: string;
  mediaType: string;
}

/**
 * A source that claims to be a word-processor document must be one by its content (a DOCX has its
 * main part, a .doc is an OLE file, an ODT a zip): a renamed text file would otherwise be kept as
 * the source, or converted as plain text into a release PDF nobody wrote.
 */
function requireWordProcessorContent(bytes: Uint8Array, filename: string, mediaType: string): void {
  const format = detectFormat(bytes);
  const name = filename.toLowerCase();
  const expected = name.endsWith(".doc") || mediaType === "application/msword" ? "ole" : name.endsWith(".odt") || mediaType === "application/vnd.oasis.opendocument.text" ? "zip" : "docx";
  if (format === expected) return;
  throw new DomainError(
    "UNREADABLE_CONTENT",
    expected === "docx"
      ? `${filename} is not a Word document (it has no main document part); save it again from Word as .docx and upload it.`
      : `${filename} is not a word-processor document by its content; save it again from your editor and upload it.`,
  );
}

/**
 * Attaches a file to a draft, content-addressed. The release must be a PDF (checked: it parses,
 * is not encrypted). A DOCX source with no release yet is converted to the release PDF with
 * LibreOffice when the server has it; otherwise the source is kept and the response says that
 * the PDF must be uploaded.
 */
export async function attachRevisionFile(ctx: ServiceContext, revisionId: string, input: AttachInput) {
  const { p, doc, revision } = await loadRevision(ctx, revisionId);
  requireCategoryRole(p, await loadCategory(ctx, doc.categoryId), "draft");
  requireDraft(revision);
  assertNoBidiControls("filename", input.filename);
  const put = await ctx.storage.put(input.body, { maxBytes: ctx.config.maxUploadBytes });
  let release: { sha256: string; filename: string; text: string } | undefined;
  let conversion: "converted" | "unavailable" | "not-needed" = "not-needed";
  if (input.kind === "release") {
    const bytes = await ctx.storage.getBytes(put.sha256);
    signablePageCount(bytes);
    release = { sha256: put.sha256, filename: input.filename, text: await extractPdfText(bytes) };
  } else if (CONVERTIBLE.has(input.mediaType) || /\.(docx|doc|odt)$/i.test(input.filename)) {
    requireWordProcessorContent(await ctx.storage.getBytes(put.sha256), input.filename, input.mediaType);
    try {
      const pdf = await convertToPdf(await ctx.storage.getBytes(put.sha256), input.filename, ctx.config.soffice);
      const stored = await ctx.storage.put(pdf);
      release = { sha256: stored.sha256, filename: input.filename.replace(/\.[^.]+$/, "") + ".pdf", text: await extractPdfText(pdf) };
      await ensureBlob(ctx.db, stored.sha256, stored.size, ctx.clock.now());
      conversion = "converted";
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== "CONVERSION_UNAVAILABLE") throw err;
      conversion = "unavailable";
    }
  }
  await inTransaction(ctx, async (t) => {
    const current = await repo.findRevision(t.db, revisionId, true);
    if (!current) throw notFound("The revision");
    requireDraft(current);
    await ensureBlob(t.db, put.sha256, put.size, t.clock.now());
    const patch: Partial<DocumentRevisionRow> = { updatedAt: t.clock.now() };
    if (input.kind === "source") Object.assign(patch, { sourceSha256: put.sha256, sourceFilename: input.filename, sourceMediaType: input.mediaType });
    if (release) Object.assign(patch, { releaseSha256: release.sha256, releaseFilename: release.filename, textContent: release.text });
    await repo.updateRevision(t.db, revisionId, patch);
    audit(t, documentFileAttached, doc.id, { revisionId, kind: input.kind, filename: input.filename, sha256: put.sha256, releaseSha256: release?.sha256, conversion });
  });
  return {
    kind: input.kind,
    sha256: put.sha256,
    releaseSha256: release?.sha256 ?? revision.releaseSha256,
    conversion,
    ...(conversion === "unavailable"
      ? { message: "The source was kept, but this server cannot convert DOCX to PDF (LibreOffice is not installed). Upload the release PDF too." }
      : {}),
  };
}

/** A draft nobody wants any more is removed (the first draft of a document cannot be). */
export async function discardDraft(ctx: ServiceContext, revisionId: string): Promise<void> {
  await inTransaction(ctx, async (t) => {
    const { p, doc, revision } = await loadRevision(t, revisionId, true);
    requireCategoryRole(p, await loadCategory(t, doc.categoryId), "draft");
    requireDraft(revision);
    if (revision.seq === 1) throw new DomainError("INVALID_STATE", "The first revision cannot be discarded; withdraw the document instead.");
    await repo.deleteDraftRevision(t.db, revisionId);
    audit(t, documentDraftDiscarded, doc.id, { revisionId, label: revision.label });
  });
}

/** Checks a submission for review (in a transaction with the revision locked, or without locks beforehand). */
async function checkSubmission(ctx: ServiceContext, revisionId: string, input: SubmitForReviewInput, lock: boolean) {
  const { p, doc, revision } = await loadRevision(ctx, revisionId, lock);
  const category = await loadCategory(ctx, doc.categoryId);
  requireCategoryRole(p, category, "draft");
  requireDraft(revision);
  const changeSummary = input.changeSummary ?? revision.changeSummary;
  if (revision.seq > 1 && !changeSummary?.trim()) {
    throw new DomainError("VALIDATION_FAILED", "Say what changed in this revision (change summary).", { field: "changeSummary" });
  }
  if (!revision.releaseSha256) throw new DomainError("INVALID_STATE", "Attach the release PDF before sending the revision for review.");
  const reviewers = [...new Set(input.reviewerIds)];
  if (reviewers.includes(input.approverId)) throw new DomainError("VALIDATION_FAILED", "The approver cannot also be a reviewer.", { field: "approverId" });
  for (const [i, id] of reviewers.entries()) await requirePerson(ctx, id, category.reviewRoles as Role[], doc, `reviewerIds.${i}`, "review");
  await requirePerson(ctx, input.approverId, category.approveRoles as Role[], doc, "approverId", "approve");
  if (!category.allowSelfApproval && input.approverId === revision.draftedBy) {
    throw new DomainError("FORBIDDEN", `In category “${category.name}” the author may not approve their own draft; choose another approver.`, {
      field: "approverId",
    });
  }
  return { doc, revision, releaseSha256: revision.releaseSha256, changeSummary, effectiveDate: input.effectiveDate ?? revision.effectiveDate, reviewers };
}

/** What became of the release PDF before review and approval sign it. */
type Certification =
  | { certified: true; sha256: string; size: number; certificateSerial: string }
  | { certified: false; reason: string };

/**
 * Certifies the release PDF with the organisation's seal (DocMDP P=2, invisible, time-stamped; see
 * {@link certifyWithOrganisationSeal}) and stores the result. A release PDF that already carries
 * signatures (someone else's) cannot be certified: it is then signed as it is, and the reason is
 * returned to be audited. Runs outside any transaction (the time stamp may come from CUSTOS_TSA_URL).
 */
async function certifyRelease(ctx: ServiceContext, doc: DocumentRow, revision: DocumentRevisionRow, releaseSha256: string): Promise<Certification> {
  const pdf = await ctx.storage.getBytes(releaseSha256);
  const foreign = inspectPdfSignatures(pdf).signatures.length;
  if (foreign > 0) {
    return { certified: false, reason: `the release PDF already carries ${foreign} signature(s) made outside Custos; only the first signature of a PDF may certify it` };
  }
  let certified;
  try {
    certified = await certifyWithOrganisationSeal(ctx, pdf, {
      fieldName: `Custos_Certification_${revision.id}`,
      reason: `受控文件发布 Released controlled document ${doc.number} rev. ${revision.label}`,
    });
  } catch (err) {
    if (err instanceof Error && /already signed/.test(err.message)) return { certified: false, reason: `the release PDF cannot be certified: ${err.message}` };
    throw err;
  }
  const put = await ctx.storage.put(certified.pdf);
  return { certified: true, sha256: put.sha256, size: put.size, certificateSerial: certified.seal.serialNumber };
}

/**
 * Sends a draft for review and approval: reviewers sign in parallel (meaning 审核 reviewed), then
 * the approver (批准 approved), each an electronic signature embedded in the release PDF. Checks
 * the change summary (required after the first revision), the release PDF, the people's roles and
 * clearance, and that the author does not approve their own draft unless the category allows it.
 * Before anyone signs, Custos certifies the release PDF with the organisation's seal (DocMDP P=2:
 * afterwards only signatures, validation data and time stamps may be added) and the request signs
 * the certified PDF; a release PDF already signed elsewhere is signed uncertified, and audited so.
 */
export async function submitForReview(ctx: ServiceContext, revisionId: string, input: SubmitForReviewInput) {
  // checked first without locks, so that nothing is certified for a submission that is refused
  const checked = await checkSubmission(ctx, revisionId, input, false);
  const certification = await certifyRelease(ctx, checked.doc, checked.revision, checked.releaseSha256);
  return inTransaction(ctx, async (t) => {
    const { doc, revision, releaseSha256, changeSummary, effectiveDate, reviewers } = await checkSubmission(t, revisionId, input, true);
    if (releaseSha256 !== checked.releaseSha256) {
      throw new DomainError("CONFLICT", "The release PDF was replaced while it was being certified; submit the revision again.");
    }
    const now = t.clock.now();
    let pdfSha256 = releaseSha256;
    if (certification.certified) {
      await ensureBlob(t.db, certification.sha256, certification.size, now);
      pdfSha256 = certification.sha256;
    }
    const pdf = await t.storage.getBytes(pdfSha256);
    const request = await openSignatureRequest(t, {
      title: `${doc.number} ${doc.title} — ${revision.label}`,
      classification: doc.classification as Classification,
      pdfSha256,
      pageCount: signablePageCount(pdf),
      sourceKind: "document-revision",
      sourceId: revision.id,
      signers: [
        ...reviewers.map((userId) => ({ userId, meaning: "reviewed" as const, visibleStamp: true, step: 1 })),
        { userId: input.approverId, meaning: "approved" as const, visibleStamp: true, step: 2 },
      ],
    });
    await repo.updateRevision(t.db, revision.id, {
      state: "in_review",
      changeSummary: changeSummary ?? null,
      effectiveDate: effectiveDate ?? null,
      reviewerIds: reviewers,
      approverId: input.approverId,
      signatureRequestId: request.id,
      rejection: null,
      submittedAt: now,
      updatedAt: now,
    });
    if (certification.certified) {
      audit(t, documentReleaseCertified, doc.id, {
        revisionId,
        label: revision.label,
        releaseSha256,
        certifiedSha256: certification.sha256,
        certificateSerial: certification.certificateSerial,
        permissions: 2,
      });
    } else {
      audit(t, documentReleaseNotCertified, doc.id, { revisionId, label: revision.label, releaseSha256, reason: certification.reason });
    }
    audit(t, documentSubmittedForReview, doc.id, { revisionId, label: revision.label, reviewers, approverId: input.approverId, signatureRequestId: request.id, effectiveDate });
    return { signatureRequestId: request.id, certified: certification.certified, ...(certification.certified ? {} : { notCertifiedReason: certification.reason }) };
  });
}

/**
 * Who a draft's author may choose as reviewers and approver: active people holding the category's
 * review (or approve) role who are cleared to read the document, and for the approver not the
 * author when the category forbids self-approval: the same rules {@link submitForReview} enforces,
 * so a form offers only people it will accept. Empty lists mean nobody qualifies (an admin then
 * grants a role or changes the category's rules).
 */
export async function reviewCandidates(ctx: ServiceContext, revisionId: string) {
  const { doc, revision } = await loadRevision(ctx, revisionId);
  const category = await loadCategory(ctx, doc.categoryId);
  const cleared: UserRow[] = [];
  for (const u of await listUsers(ctx.db)) {
    if (u.active && (await maySeeDocument(ctx, principalOf(u), doc.id))) cleared.push(u);
  }
  const person = (u: UserRow) => ({ id: u.id, username: u.username, displayName: u.displayName });
  const holds = (u: UserRow, roles: string[]) => hasRole({ roles: u.roles as Role[] }, ...(roles as Role[]));
  return {
    categoryId: category.id,
    selfApprovalForbidden: !category.allowSelfApproval,
    reviewers: cleared.filter((u) => holds(u, category.reviewRoles)).map(person),
    approvers: cleared.filter((u) => holds(u, category.approveRoles) && (category.allowSelfApproval || u.id !== revision.draftedBy)).map(person),
  };
}

async function requirePerson(t: ServiceContext, userId: string, roles: Role[], doc: DocumentRow, field: string, what: string) {
  const user = await findUser(t.db, userId);
  if (!user || !user.active) throw new DomainError("INVALID_REFERENCE", "That person is not an active user.", { field });
  if (!hasRole({ roles: user.roles as Role[] }, ...roles)) {
    throw new DomainError("VALIDATION_FAILED", `${user.displayName} may not ${what} in this category (needs ${roles.join(", ")}).`, { field });
  }
  if (!(await maySeeDocument(t, principalOf(user), doc.id))) {
    throw new DomainError("VALIDATION_FAILED", `${user.displayName} is not cleared to read this ${doc.classification} document.`, { field });
  }
}

/** The revision's signature request, while it waits for review or approval. */
async function requestInDecision(ctx: ServiceContext, revisionId: string): Promise<string> {
  const { revision } = await loadRevision(ctx, revisionId);
  if (!revision.signatureRequestId || !["in_review", "in_approval"].includes(revision.state)) {
    throw new DomainError("INVALID_STATE", "This revision is not waiting for review or approval.");
  }
  return revision.signatureRequestId;
}

/** The release PDF as the reviewer or approver is about to sign it (with its SHA-256, to name when reporting it read). */
export async function openForDecision(ctx: ServiceContext, revisionId: string) {
  return openDocumentForSigning(ctx, await requestInDecision(ctx, revisionId));
}

/** The reviewer's or approver's reader displayed every page of the release PDF: see {@link recordDocumentRead}. */
export async function recordRevisionRead(ctx: ServiceContext, revisionId: string, input: { sha256: string; pages: number }) {
  return recordDocumentRead(ctx, await requestInDecision(ctx, revisionId), input);
}

/**
 * A reviewer's or the approver's decision. Approving is an electronic signature (consent and
 * their signing PIN) embedded in the release PDF; rejecting returns the
 * revision to draft with the reasons. Comments are kept either way. Exactly one of two
 * simultaneous decisions by the same person wins (the request row is locked while signing).
 */
export async function decideRevision(ctx: ServiceContext, revisionId: string, input: DecisionInput) {
  const { p, doc, revision } = await loadRevision(ctx, revisionId);
  const category = await loadCategory(ctx, doc.categoryId);
  if (!revision.signatureRequestId || !["in_review", "in_approval"].includes(revision.state)) {
    throw new DomainError("INVALID_STATE", `Revision ${revision.label} is ${revision.state.replace("_", " ")}; there is nothing to decide.`);
  }
  const role = revision.approverId === p.id && revision.state === "in_approval" ? "approver" : revision.reviewerIds.includes(p.id) ? "reviewer" : null;
  if (!role) {
    if (revision.approverId === p.id) throw new DomainError("NOT_YOUR_TURN", "The reviewers have not all reviewed yet; approval comes after review.");
    throw new DomainError("FORBIDDEN", "You are not a reviewer or the approver of this revision.");
  }
  if (!mayAct(p, category, role === "approver" ? "approve" : "review")) {
    throw new DomainError("FORBIDDEN", "Your roles no longer allow this decision in this category.");
  }
  if (role === "approver" && !category.allowSelfApproval && revision.draftedBy === p.id) {
    throw new DomainError("FORBIDDEN", "You may not approve your own draft in this category.");
  }
  const requestId = revision.signatureRequestId;
  if (input.decision === "reject") {
    const reason = input.comments?.trim();
    if (!reason) throw new DomainError("VALIDATION_FAILED", "Say why you reject the revision; the author needs the reasons.", { field: "comments" });
    await declineAsSigner(ctx, requestId, reason);
    return { decision: "reject" as const, state: "draft" };
  }
  if (!input.pin) throw new DomainError("VALIDATION_FAILED", "Enter your signing PIN: approving is an electronic signature.", { field: "pin" });
  if (input.consent === false) throw new DomainError("VALIDATION_FAILED", "You must agree to sign electronically.", { field: "consent" });
  const outcome = await signAsSigner(ctx, requestId, { pin: input.pin, consent: true }, {
    onSigned: async (t) => {
      await repo.insertReviewComment(t.db, {
        id: newId("cmt"),
        revisionId,
        userId: p.id,
        role,
        outcome: "approved",
        comments: input.comments?.trim() || null,
        createdAt: t.clock.now(),
      });
    },
  });
  const after = await repo.findRevision(ctx.db, revisionId);
  return { decision: "approve" as const, state: after!.state, signature: outcome };
}

/** Called when a step of the review request completes: all reviewers signed → waiting for approval. */
export async function onReviewSigned(t: TxContext, request: SignatureRequestRow, stepDone: boolean): Promise<void> {
  const revision = await repo.findRevisionBySignatureRequest(t.db, request.id);
  if (!revision || revision.state !== "in_review" || !stepDone) return;
  const signers = await listSigners(t.db, request.id);
  const reviewersDone = signers.filter((s) => s.signer.step === 1).every((s) => s.signer.status === "signed");
  if (!reviewersDone) return;
  await repo.updateRevision(t.db, revision.id, { state: "in_approval", updatedAt: t.clock.now() });
  audit(t, documentReviewed, revision.documentId, { revisionId: revision.id, label: revision.label });
}

/** The approval signature completed the request: the revision is approved, and effective if its date has come. */
export async function onRevisionApproved(t: TxContext, request: SignatureRequestRow): Promise<void> {
  const revision = await repo.findRevisionBySignatureRequest(t.db, request.id);
  if (!revision) return;
  const now = t.clock.now();
  await repo.updateRevision(t.db, revision.id, { state: "approved", signedSha256: request.finalSha256, approvedAt: now, updatedAt: now });
  audit(t, documentApproved, revision.documentId, { revisionId: revision.id, label: revision.label, signedSha256: request.finalSha256, effectiveDate: revision.effectiveDate });
  if (!revision.effectiveDate || revision.effectiveDate <= localDate(now)) {
    await makeEffective(t, { ...revision, state: "approved", signedSha256: request.finalSha256 ?? null });
  }
}

/** A reviewer or the approver declined (or the request was withdrawn): the revision goes back to draft with the reasons. */
export async function onReviewClosed(t: TxContext, request: SignatureRequestRow): Promise<void> {
  const revision = await repo.findRevisionBySignatureRequest(t.db, request.id);
  if (!revision || !["in_review", "in_approval"].includes(revision.state)) return;
  const now = t.clock.now();
  const rejection = { by: t.actor.userId, byName: t.actor.label, reason: request.closedReason, at: now.toISOString(), status: request.status };
  await repo.updateRevision(t.db, revision.id, { state: "draft", signatureRequestId: null, rejection, updatedAt: now });
  await repo.insertReviewComment(t.db, {
    id: newId("cmt"),
    revisionId: revision.id,
    userId: t.actor.userId!,
    role: revision.approverId === t.actor.userId ? "approver" : "reviewer",
    outcome: "rejected",
    comments: request.closedReason,
    createdAt: now,
  });
  audit(t, documentRejected, revision.documentId, { revisionId: revision.id, label: revision.label, reason: request.closedReason });
}

/**
 * Puts an approved revision in force: the previous effective revision becomes superseded (by this
 * one, now), the register points at this revision, search sees its text, and the periodic review
 * is due one interval later.
 */
export async function makeEffective(t: TxContext, revision: DocumentRevisionRow): Promise<void> {
  const doc = (await repo.findDocument(t.db, revision.documentId, true))!;
  if (doc.status === "withdrawn") throw new DomainError("INVALID_STATE", `Document ${doc.number} is withdrawn; none of its revisions can come into force.`);
  const now = t.clock.now();
  const today = localDate(now);
  let previous: DocumentRevisionRow | undefined;
  if (doc.effectiveRevisionId && doc.effectiveRevisionId !== revision.id) {
    previous = await repo.findRevision(t.db, doc.effectiveRevisionId);
    await repo.updateRevision(t.db, doc.effectiveRevisionId, { state: "superseded", supersededAt: now, supersededByRevisionId: revision.id, updatedAt: now });
    await revisionSuperseded(t, previous!, revision, today);
  }
  // a revision approved without a date takes effect on approval; its effective date is then the day of effective_at
  await repo.updateRevision(t.db, revision.id, { state: "effective", effectiveAt: now, updatedAt: now });
  const nextReviewDue = addMonths(revision.effectiveDate ?? today, doc.reviewIntervalMonths);
  await repo.updateDocument(t.db, doc.id, {
    effectiveRevisionId: revision.id,
    nextReviewDue,
    searchText: buildSearchText(doc, revision.textContent),
    updatedAt: now,
  });
  audit(t, documentEffective, doc.id, { revisionId: revision.id, label: revision.label, supersededRevisionId: doc.effectiveRevisionId, nextReviewDue });
  const category = (await repo.findCategory(t.db, doc.categoryId))!;
  await declareReleasedRevision(t, { document: doc, category, revision, effectiveOn: revision.effectiveDate ?? today });
  if (previous) await reopenAcknowledgements(t, doc, previous, { ...revision, state: "effective", effectiveAt: now });
}

/** Puts in force every approved revision whose effective date has come (run hourly and at start). */
export async function activateDueRevisions(t: ServiceContext): Promise<number> {
  const due = await repo.listDueApprovedRevisions(t.db, localDate(t.clock.now()));
  for (const revision of due) {
    // one revision that cannot come into force does not hold up the others
    await inTransaction(t, async (tx) => {
      const current = await repo.findRevision(tx.db, revision.id, true);
      if (current?.state === "approved") await makeEffective(tx, current);
    }, { mayWriteNothing: true }).catch((err: unknown) => {
      if (!(err instanceof DomainError)) throw err;
      t.logger.warn("an approved revision could not come into force", { revisionId: revision.id, code: err.code, message: err.message });
    });
  }
  return due.length;
}

/**
 * Withdraws a document: its effective revision becomes obsolete (kept, and marked 已作废 on every
 * copy), open revisions are abandoned, and it no longer has a revision in force.
 */
export async function withdrawDocument(ctx: ServiceContext, documentId: string, reason: string): Promise<void> {
  await inTransaction(ctx, async (t) => withdrawInTransaction(t, documentId, reason));
}

/** {@link withdrawDocument} inside an existing transaction (periodic review outcome "withdraw"). */
export async function withdrawInTransaction(t: TxContext, documentId: string, reason: string): Promise<void> {
  const { p, doc } = await loadVisibleDocument(t, documentId, true);
  requireCategoryRole(p, await loadCategory(t, doc.categoryId), "approve");
  if (doc.status === "withdrawn") throw new DomainError("INVALID_STATE", "The document is already withdrawn.");
  const now = t.clock.now();
  const revisions = await repo.listRevisions(t.db, documentId);
  for (const r of revisions) {
    // the revision in force, and one approved to come into force later, are both withdrawn with it
    if (r.state === "effective" || r.state === "approved") await repo.updateRevision(t.db, r.id, { state: "obsolete", obsoletedAt: now, obsoleteReason: reason, updatedAt: now });
    if (r.state === "draft" && r.seq > 1) await repo.deleteDraftRevision(t.db, r.id);
    if (["in_review", "in_approval"].includes(r.state) && r.signatureRequestId) {
      throw new DomainError("INVALID_STATE", `Revision ${r.label} is in review; withdraw that request first.`);
    }
  }
  await repo.updateDocument(t.db, documentId, { status: "withdrawn", effectiveRevisionId: null, nextReviewDue: null, updatedAt: now });
  audit(t, documentWithdrawn, documentId, { reason, effectiveRevisionId: doc.effectiveRevisionId });
  const effective = revisions.find((r) => r.state === "effective");
  if (effective) await withdrawAcknowledgements(t, effective.id, reason);
  await startRetentionOnWithdrawal(t, documentId, effective, localDate(now), reason);
}

/** Hourly: approved revisions whose effective date has come are put in force. */
export const revisionActivationJob = defineJob({
  kind: "revision-activation",
  payload: z.object({}),
  hourly: true,
  run: async ({ ctx }) => ({ activated: await activateDueRevisions(ctx) }),
});
