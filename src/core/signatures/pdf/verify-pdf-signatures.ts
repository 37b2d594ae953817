import { verifyCadesSignature, type CadesVerificationReport } from "../cms/verify-cades-signature";
import { inspectPdfSignatures, type InspectedSignature, type PdfSignatureInspection } from "./inspect-pdf-signatures";

/** One signature of a PDF with its structural inspection and its CMS verification. */
export interface VerifiedPdfSignature extends InspectedSignature {
  /** The CMS verification over the signed byte ranges; undefined when there is no CMS. */
  cms?: CadesVerificationReport;
  /** Cryptographically valid, trusted, well-formed coverage, nothing but signatures (or pages) added after. */
  ok: boolean;
}

/** The result of {@link verifyPdfSignatures}. */
export interface PdfVerification extends Omit<PdfSignatureInspection, "signatures"> {
  signatures: VerifiedPdfSignature[];
}

/**
 * Inspects a PDF and verifies each signature's CMS over its byte ranges against the trust
 * anchors. A signature is `ok` when its CMS report is ok, its byte range is well formed
 * and later revisions added only signatures or pages. Never throws.
 */
export function verifyPdfSignatures(bytes: Uint8Array, options: { trustAnchors: Uint8Array[]; at?: Date }): PdfVerification {
  const inspection = inspectPdfSignatures(bytes);
  const signatures = inspection.signatures.map((s): VerifiedPdfSignature => {
    if (!s.contents) return { ...s, ok: false };
    const chunks = s.coverage.signedRanges.map(([start, end]) => bytes.subarray(start, end));
    const cms = verifyCadesSignature({ cms: s.contents, signedContent: chunks, trustAnchors: options.trustAnchors, ...(options.at ? { at: options.at } : {}) });
    const ok = cms.ok && s.coverage.wellFormed && s.changesAfter.kind !== "otherModified";
    return { ...s, cms, ok };
  });
  return { ...inspection, signatures };
}
