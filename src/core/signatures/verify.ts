import { createHash } from "node:crypto";
import { appendAuditEvent } from "../audit/service";
import { requirePrincipal } from "../auth/guard";
import type { ServiceContext } from "../context";
import { DomainError } from "../errors";
import { ensurePki } from "./authority";
import { verifyPdfSignatures } from "./pdf/index";
import { signatureReportOf, type SignatureReport } from "./signature-report";
import * as repo from "./repo";
import { loadVisibleRequest } from "./requests/access";

export type { SignatureReport } from "./signature-report";

/** Whether the bytes are something Custos produced or holds. */
export interface HeldMatch {
  held: boolean;
  as: "signed-result" | "signing-step" | "stored-file" | null;
  requestId: string | null;
}

/**
 * Verifies every signature of an uploaded PDF: digest integrity, signature math, chain to our root
 * (or unknown), revocation against our CRL data, the signing-certificate-v2 binding, the time stamp,
 * byte-range coverage and what changed after each signature; and whether the file matches a document
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
  const audit = (result: Record<string, unknown>) =>
    ctx.db.transaction((tx) =>
      appendAuditEvent(tx, ctx, { action: "signature.verified", objectType: "blob", objectId: sha256, data: result }),
    );
  const pki = await ensurePki(ctx);
  const verification = verifyPdfSignatures(bytes, { trustAnchors: [pki.root.certificate] });
  if (!verification.isPdf) {
    await audit({ outcome: "not-a-pdf" });
    throw new DomainError("NOT_A_PDF", "The file is not a PDF, so it has no PDF signatures to verify.");
  }
  if (verification.encrypted) {
    await audit({ outcome: "encrypted" });
    throw new DomainError("PDF_ENCRYPTED", "The PDF is encrypted; its signatures cannot be checked without the password. Upload an unencrypted copy.");
  }
  const signatures: SignatureReport[] = [];
  for (const s of verification.signatures) {
    const serial = s.cms?.signer?.serialNumber ?? null;
    const ours = s.cms?.chain.status === "trusted" && serial ? await repo.findCertificateBySerial(ctx.db, serial) : undefined;
    signatures.push(signatureReportOf(s, ours));
  }
  if (signatures.length === 0) {
    await audit({ outcome: "no-signatures" });
    throw new DomainError("NO_SIGNATURES", "The PDF has no signatures to verify.");
  }
  const held = await findHeld(ctx, sha256);
  const result = { sha256, size: bytes.length, ok: signatures.every((s) => s.ok), signatures, held, problems: verification.problems };
  await audit({ outcome: result.ok ? "valid" : "invalid", signatures: signatures.length, held: held.held });
  return result;
}

async function findHeld(ctx: ServiceContext, sha256: string): Promise<HeldMatch> {
  const signature = await repo.findSignatureByResult(ctx.db, sha256);
  if (signature) {
    const visible = await loadVisibleRequest(ctx, signature.requestId).then(
      (r) => r.request,
      () => undefined,
    );
    const isFinal = visible?.finalSha256 === sha256;
    return { held: true, as: isFinal ? "signed-result" : "signing-step", requestId: visible ? visible.id : null };
  }
  const stored = await ctx.storage.stat(sha256).catch(() => null);
  return stored ? { held: true, as: "stored-file", requestId: null } : { held: false, as: null, requestId: null };
}
