import { verifyCadesSignature, type CadesVerificationReport } from "../cms/verify-cades-signature";
import { verifyDocumentTimestamp } from "../cms/verify-document-timestamp";
import { inspectPdfSignatures, type InspectedSignature, type PdfSignatureInspection } from "./inspect-pdf-signatures";
import type { ChangesAfterSignature, Modification } from "./revision-changes";

/** One signature of a PDF with its structural inspection and its CMS verification. */
export interface VerifiedPdfSignature extends InspectedSignature {
  /** The CMS verification over the signed byte ranges; undefined when there is no CMS. */
  cms?: CadesVerificationReport;
  /**
   * Cryptographically valid, trusted, well-formed coverage, and nothing after it but what
   * may follow a signature (later signatures, DSS, timestamps; pages only under a later
   * valid signature).
   */
  ok: boolean;
}

/** The result of {@link verifyPdfSignatures}. */
export interface PdfVerification extends Omit<PdfSignatureInspection, "signatures"> {
  signatures: VerifiedPdfSignature[];
}

/**
 * Inspects a PDF and verifies each signature's CMS over its byte ranges against the trust
 * anchors. A signature is `ok` when its CMS report is ok, its byte range is well formed,
 * the change analysis found no modification after it, and every page appended after it is
 * covered by a later signature that is itself `ok` (a completion page appended before the
 * last signer signs), as is every stamp drawn by a later signature. Never throws.
 */
export function verifyPdfSignatures(bytes: Uint8Array, options: { trustAnchors: Uint8Array[]; at?: Date }): PdfVerification {
  const inspection = inspectPdfSignatures(bytes);
  const signatures = inspection.signatures.map((s): VerifiedPdfSignature => {
    if (!s.contents) return { ...s, ok: false };
    try {
      const chunks = s.coverage.signedRanges.map(([start, end]) => bytes.subarray(start, end));
      const cms =
        s.type === "documentTimestamp" || s.subFilter === "ETSI.RFC3161"
          ? verifyDocumentTimestamp({ token: s.contents, signedContent: chunks, trustAnchors: options.trustAnchors })
          : verifyCadesSignature({ cms: s.contents, signedContent: chunks, trustAnchors: options.trustAnchors, ...(options.at ? { at: options.at } : {}) });
      const ok = cms.ok && s.coverage.wellFormed && s.changesAfter.modifications.length === 0;
      return { ...s, cms, ok };
    } catch (error) {
      const message = `the signature could not be verified: ${(error as Error).message}`;
      return { ...s, ok: false, changesAfter: { ...s.changesAfter, details: [...s.changesAfter.details, message] } };
    }
  });
  // From the last signature back: pages added after a signature must be signed by a later valid
  // one, and a later signature's stamp counts only when that signature is valid itself.
  for (let i = signatures.length - 1; i >= 0; i--) {
    const s = signatures[i]!;
    const later = signatures.filter((l) => l.revision > s.revision && l.ok);
    const added: Modification[] = [];
    for (const page of s.changesAfter.pagesAdded) {
      if (later.some((l) => l.type === "signature" && l.changesAfter.pagesAtSignature.includes(page.objectNumber))) continue;
      added.push({
        code: "PAGE_NOT_SIGNED",
        objectNumber: page.objectNumber,
        usedFor: `page ${page.pageNumber}`,
        message: `object ${page.objectNumber} (page ${page.pageNumber}) added after signature ${i + 1} and signed by no later valid signature`,
      });
    }
    for (const stamp of s.changesAfter.appearancesAdded) {
      if (later.some((l) => l.objectNumber === stamp.signatureObject)) continue;
      added.push({
        code: "STAMP_NOT_SIGNED",
        objectNumber: stamp.widget,
        usedFor: `widget of the signature field ${stamp.fieldName}`,
        message: `object ${stamp.widget} (widget of the signature field ${stamp.fieldName}) drawn after signature ${i + 1} by a signature that is not valid and trusted`,
      });
    }
    if (added.length === 0) continue;
    const changesAfter: ChangesAfterSignature = {
      ...s.changesAfter,
      kind: "otherModified",
      modifications: [...s.changesAfter.modifications, ...added],
      details: [...added.map((m) => m.message), ...s.changesAfter.details],
    };
    signatures[i] = { ...s, ok: false, changesAfter };
  }
  return { ...inspection, signatures };
}
