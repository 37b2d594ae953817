import { createHash } from "node:crypto";
import { and, eq, inArray, or, sql } from "drizzle-orm";
import { auditEvents } from "../../db/schema/audit";
import { documentRevisions, documents } from "../../db/schema/documents";
import { files } from "../../db/schema/files";
import { records } from "../../db/schema/records";
import { audit } from "../audit/service";
import { requirePrincipal } from "../auth/guard";
import { hasRole, visibleClassifications } from "../auth/permissions";
import { inTransaction, type ServiceContext } from "../context";
import { visibleFilter } from "../documents/access";
import { DomainError } from "../errors";
import { recordVisibility } from "../records/access";
import { archivedOriginalOf } from "./archive-chain";
import { ensurePki } from "./authority";
import type { VerifiedPdfSignature } from "./pdf/index";
import { documentCopyIssued } from "../documents/events";
import { signatureReportOf, type SignatureReport } from "./signature-report";
import { verifyWithOurRecords } from "./verify-with-records";
import * as repo from "./repo";
import { loadVisibleRequest } from "./requests/access";
import { signatureVerified } from "./events";

export type { SignatureReport } from "./signature-report";

/** Whether the bytes are something Custos produced or holds. */
export interface HeldMatch {
  held: boolean;
  /**
   * `marked-copy`: not these bytes, but the file up to the end of its last intact signature or
   * time stamp is a revision's signed original, and what follows was added after it (see `revision`).
   */
  as: "signed-result" | "signing-step" | "stored-file" | "marked-copy" | null;
  requestId: string | null;
  /** For a marked copy: the revision whose signed original the signatures cover. */
  revision?: {
    id: string;
    documentId: string;
    number: string;
    label: string;
    /** The signed original's SHA-256 (download it unmarked from /api/v1/revisions/{id}/signed-pdf). */
    signedSha256: string;
    /** Whether Custos issued exactly this file as a marked copy (page marks added on issue); false: someone else appended to the signed original. */
    issuedByCustos: boolean;
  };
}

/**
 * Verifies every signature of an uploaded PDF: digest integrity, signature math, chain to our root
 * (or unknown), revocation (our records, else the PDF's DSS), the signing-certificate-v2 binding,
 * the time stamp, byte-range coverage and what changed after each signature, each judged at its
 * proof of existence with an ETSI EN 319 102-1 indication; and whether the file matches a document
 * held by Custos. Corrupt, encrypted or unsigned files are a clear 422; every verification is audited.
 */
export async function verifyUploadedPdf(ctx: ServiceContext, bytes: Uint8Array) {
  requirePrincipal(ctx);
  return verifyPdfReport(ctx, bytes);
}

/**
 * {@link verifyUploadedPdf} for flows that run on their own (a record declared when a revision is
 * put in force by the hourly run): the same report and audit event, whoever the actor is.
 */
export async function verifyPdfReport(ctx: ServiceContext, bytes: Uint8Array) {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const recordOutcome = (result: Record<string, unknown>) => inTransaction(ctx, async (t) => audit(t, signatureVerified, sha256, result));
  const pki = await ensurePki(ctx);
  const verification = await verifyWithOurRecords(ctx.db, bytes, pki.root.certificate, ctx.clock.now());
  if (!verification.isPdf) {
    await recordOutcome({ outcome: "not-a-pdf" });
    throw new DomainError("NOT_A_PDF", "The file is not a PDF, so it has no PDF signatures to verify.");
  }
  if (verification.encrypted) {
    await recordOutcome({ outcome: "encrypted" });
    throw new DomainError("PDF_ENCRYPTED", "The PDF is encrypted; its signatures cannot be checked without the password. Upload an unencrypted copy.");
  }
  const signatures: SignatureReport[] = [];
  for (const s of verification.signatures) signatures.push(signatureReportOf(s));
  if (signatures.length === 0) {
    await recordOutcome({ outcome: "no-signatures" });
    throw new DomainError("NO_SIGNATURES", "The PDF has no signatures to verify.");
  }
  const held = await findHeld(ctx, sha256, bytes, verification.signatures);
  const result = { sha256, size: bytes.length, ok: signatures.every((s) => s.ok), signatures, held, problems: verification.problems };
  await recordOutcome({ outcome: result.ok ? "valid" : "invalid", signatures: signatures.length, held: held.held });
  return result;
}

/**
 * Whether Custos holds exactly these bytes in something the caller may see: the result or a step
 * of a signature request they take part in, a file they may open, a record or a document revision
 * they may read. What they may not see is not held for them (its existence is not revealed).
 */
async function findHeld(ctx: ServiceContext, sha256: string, bytes: Uint8Array, verified: VerifiedPdfSignature[]): Promise<HeldMatch> {
  const exact = await findHeldExactly(ctx, sha256);
  if (exact.held || !ctx.principal) return exact;
  return (await findSignedOriginalOf(ctx, sha256, bytes, verified)) ?? exact;
}

/**
 * A copy of a revision's signed original with something appended (a marked copy): the bytes up to
 * the end of the last signature or time stamp whose cryptography still holds are looked up among the
 * signed originals of revisions the caller may read; then whether Custos issued exactly this file as
 * a marked copy (its SHA-256 is kept with the audit event of the issue).
 */
async function findSignedOriginalOf(ctx: ServiceContext, sha256: string, bytes: Uint8Array, verified: VerifiedPdfSignature[]): Promise<HeldMatch | undefined> {
  const p = ctx.principal!;
  const last = [...verified].reverse().find((s) => s.cms?.ok && s.coverage.wellFormed);
  if (!last || last.revisionEnd >= bytes.length) return undefined;
  const prefix = createHash("sha256").update(bytes.subarray(0, last.revisionEnd)).digest("hex");
  // a copy of a renewed version (archive time-stamp chain) is a copy of the original
  const prefixSha256 = (await archivedOriginalOf(ctx.db, prefix)) ?? prefix;
  const [revision] = await ctx.db
    .select({ id: documentRevisions.id, documentId: documents.id, number: documents.number, label: documentRevisions.label })
    .from(documentRevisions)
    .innerJoin(documents, eq(documents.id, documentRevisions.documentId))
    .where(and(eq(documentRevisions.signedSha256, prefixSha256), visibleFilter(p)))
    .limit(1);
  if (!revision) return undefined;
  const [issued] = await ctx.db
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.objectType, "document"),
        eq(auditEvents.objectId, revision.documentId),
        eq(auditEvents.action, documentCopyIssued.action),
        sql`${auditEvents.data}->>'copySha256' = ${sha256}`,
      ),
    )
    .limit(1);
  return { held: true, as: "marked-copy", requestId: null, revision: { ...revision, signedSha256: prefixSha256, issuedByCustos: Boolean(issued) } };
}

async function findHeldExactly(ctx: ServiceContext, uploaded: string): Promise<HeldMatch> {
  // a renewed version of an archived signed result is held as that result (its original sha256)
  const sha256 = (await archivedOriginalOf(ctx.db, uploaded)) ?? uploaded;
  const p = ctx.principal;
  const signature = await repo.findSignatureByResult(ctx.db, sha256);
  if (signature) {
    const visible = await loadVisibleRequest(ctx, signature.requestId).then(
      (r) => r.request,
      () => undefined,
    );
    if (visible) return { held: true, as: visible.finalSha256 === sha256 ? "signed-result" : "signing-step", requestId: visible.id };
  }
  if (!p) return { held: false, as: null, requestId: null };
  const levels = visibleClassifications(p.clearance);
  const [file] = await ctx.db
    .select({ id: files.id })
    .from(files)
    .where(and(eq(files.sha256, sha256), inArray(files.classification, levels), hasRole(p, "admin") ? undefined : eq(files.uploadedBy, p.id)))
    .limit(1);
  const [record] = file ? [] : await ctx.db.select({ id: records.id }).from(records).where(and(eq(records.contentSha256, sha256), ...recordVisibility(p))).limit(1);
  const [revision] =
    file || record
      ? []
      : await ctx.db
          .select({ id: documentRevisions.id })
          .from(documentRevisions)
          .innerJoin(documents, eq(documents.id, documentRevisions.documentId))
          .where(and(or(eq(documentRevisions.releaseSha256, sha256), eq(documentRevisions.signedSha256, sha256)), visibleFilter(p)))
          .limit(1);
  return file || record || revision ? { held: true, as: "stored-file", requestId: null } : { held: false, as: null, requestId: null };
}
