import type { SignatureRequestRow, SignatureRequestSignerRow } from "../../../db/schema/signatures";
import { newId } from "../../../lib/ids";
import { audit } from "../../audit/service";
import { requireRole } from "../../auth/guard";
import { clearedFor, type Classification } from "../../auth/permissions";
import { inTransaction, type ServiceContext, type TxContext } from "../../context";
import { DomainError } from "../../errors";
import { ensureBlob } from "../../files/repo";
import { getFile } from "../../files/service";
import { getOrganisationProfile } from "../../organisation/service";
import { getTemplate, renderTemplatePdf, validateTemplateValues } from "../../templates/index";
import { findUser } from "../../users/repo";
import { inspectPdfSignatures, listPages, openPdf, PdfStructureError } from "../pdf/index";
import type { Meaning } from "../sign-pdf";
import * as repo from "../repo";
import type { CreateSignatureRequestInput } from "../schemas";
import { signatureRequestCreated } from "../events";
import { signatureSourceOf } from "./completion";

/** Roles that may send documents for signature. */
export const REQUESTER_ROLES = ["admin", "top-manager", "ip-manager", "ip-staff", "legal"] as const;

/** A PDF's page count, or a 422 that says why the file cannot be signed. */
export function signablePageCount(bytes: Uint8Array): number {
  const inspection = inspectPdfSignatures(bytes);
  if (!inspection.isPdf) throw new DomainError("NOT_A_PDF", "The file is not a PDF; upload the document as PDF.");
  if (inspection.encrypted) {
    throw new DomainError("PDF_ENCRYPTED", "The PDF is encrypted; remove the password protection and upload it again.");
  }
  let pages: number;
  try {
    pages = listPages(openPdf(bytes)).length;
  } catch (err) {
    if (err instanceof PdfStructureError) {
      throw new DomainError("PDF_DAMAGED", `The PDF is damaged and cannot be signed safely (${err.message}). Re-export it and upload again.`);
    }
    throw err;
  }
  if (pages === 0) throw new DomainError("PDF_DAMAGED", "The PDF has no pages that can be found, so there is nothing to sign. Re-export it and upload again.");
  return pages;
}

/** What any module needs to open a signature request over a PDF it has already stored. */
export interface NewRequest {
  title: string;
  classification: Classification;
  pdfSha256: string;
  pageCount: number;
  sourceKind: string;
  sourceId?: string | null;
  template?: { id: string; revision: string; values: Record<string, unknown> };
  subjectUserId?: string | null;
  dueAt?: Date | null;
  /** In signing order; signers sharing a `step` sign in parallel (default: one step each). */
  signers: { userId: string; meaning: Meaning; visibleStamp: boolean; step?: number }[];
  /** Who asks, when no one is signed in (a background job acting for the person who asked before). */
  requestedBy?: string;
}

/**
 * Opens a request inside the caller's transaction: checks the signers (active, cleared for the
 * classification), makes the first one ready, audits. Used by the API and by modules (document
 * revisions, contracts) that bring their own PDF.
 */
export async function openSignatureRequest(t: TxContext, input: NewRequest): Promise<SignatureRequestRow> {
  const requestedBy = t.actor.userId ?? input.requestedBy;
  if (!requestedBy) throw new DomainError("UNAUTHENTICATED", "Sign in first.");
  signatureSourceOf(t, input.sourceKind);
  for (const [i, s] of input.signers.entries()) {
    const user = await findUser(t.db, s.userId);
    if (!user || !user.active) {
      throw new DomainError("INVALID_REFERENCE", `Signer ${i + 1} is not an active user.`, { field: `signers.${i}.userId` });
    }
    if (!clearedFor(user.clearance as Classification, input.classification)) {
      throw new DomainError(
        "VALIDATION_FAILED",
        `${user.displayName} is not cleared to read a ${input.classification} document and cannot sign it.`,
        { field: `signers.${i}.userId` },
      );
    }
  }
  const now = t.clock.now();
  const request: SignatureRequestRow = {
    id: newId("sig"),
    title: input.title,
    sourceKind: input.sourceKind,
    sourceId: input.sourceId ?? null,
    templateId: input.template?.id ?? null,
    templateRevision: input.template?.revision ?? null,
    fieldValues: input.template?.values ?? null,
    classification: input.classification,
    status: "pending",
    originalSha256: input.pdfSha256,
    stampPage: Math.max(0, input.pageCount - 1),
    currentSha256: input.pdfSha256,
    finalSha256: null,
    requestedBy,
    subjectUserId: input.subjectUserId ?? null,
    dueAt: input.dueAt ?? null,
    createdAt: now,
    completedAt: null,
    closedReason: null,
  };
  const steps = input.signers.map((s, i) => s.step ?? i + 1);
  if (steps.some((step, i) => i > 0 && step < steps[i - 1]!)) {
    throw new DomainError("VALIDATION_FAILED", "Signers must be listed in the order of their steps.", { field: "signers" });
  }
  const signers: SignatureRequestSignerRow[] = input.signers.map((s, i) => ({
    id: newId("sgn"),
    requestId: request.id,
    position: i + 1,
    step: steps[i]!,
    userId: s.userId,
    meaning: s.meaning,
    visibleStamp: s.visibleStamp,
    status: steps[i] === steps[0] ? "ready" : "waiting",
    viewedAt: null,
    readSha256: null,
    signedAt: null,
    declinedAt: null,
    declineReason: null,
    lastRemindedAt: null,
    reminderCount: 0,
  }));
  await repo.insertRequest(t.db, request);
  await repo.insertSigners(t.db, signers);
  audit(t, signatureRequestCreated, request.id, {
      title: request.title,
      source: { kind: request.sourceKind, id: request.sourceId, templateId: request.templateId, templateRevision: request.templateRevision },
      originalSha256: request.originalSha256,
      signers: signers.map((s) => ({ signerId: s.id, userId: s.userId, meaning: s.meaning })),
      dueAt: request.dueAt,
    });
  return request;
}

/**
 * Creates a request from a template (rendered to PDF with the given field values) or from an
 * uploaded PDF the requester may see.
 */
export async function createSignatureRequest(ctx: ServiceContext, input: CreateSignatureRequestInput): Promise<SignatureRequestRow> {
  const p = requireRole(ctx, ...REQUESTER_ROLES);
  if (!clearedFor(p.clearance, input.classification)) throw new DomainError("NOT_FOUND", "A classification level you may use was not found.");
  let pdf: { sha256: string; pageCount: number };
  let template: NewRequest["template"];
  let sourceId: string | null = null;
  if (input.source.kind === "template") {
    const tpl = await getTemplate(input.source.templateId, input.source.templateRevision);
    const values = validateTemplateValues(tpl, input.source.values);
    const organisation = await getOrganisationProfile(ctx.db);
    const bytes = await renderTemplatePdf(tpl, values, { organisation, createdAt: ctx.clock.now() });
    const put = await ctx.storage.put(bytes);
    await ensureBlob(ctx.db, put.sha256, put.size, ctx.clock.now());
    pdf = { sha256: put.sha256, pageCount: signablePageCount(bytes) };
    template = { id: tpl.id, revision: tpl.revision, values };
  } else {
    const file = await getFile(ctx, input.source.fileId);
    const bytes = await ctx.storage.getBytes(file.sha256);
    pdf = { sha256: file.sha256, pageCount: signablePageCount(bytes) };
    sourceId = file.id;
  }
  return inTransaction(ctx, (t) =>
    openSignatureRequest(t, {
      title: input.title,
      classification: input.classification,
      pdfSha256: pdf.sha256,
      pageCount: pdf.pageCount,
      sourceKind: input.source.kind,
      sourceId,
      template,
      subjectUserId: input.subjectUserId ?? null,
      dueAt: input.dueAt ? new Date(input.dueAt) : null,
      signers: input.signers,
    }),
  );
}
