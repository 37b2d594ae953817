import { verifyCadesSignature, type CadesVerificationReport } from "../cms/verify-cades-signature";
import { verifyDocumentTimestamp } from "../cms/verify-document-timestamp";
import { createValidationContext, validateSignature, type RevocationRecord, type SignatureValidation } from "../validation/validate-signature";
import { inspectPdfSignatures, type InspectedSignature, type InspectionProblem, type PdfSignatureInspection } from "./inspect-pdf-signatures";
import type { ChangesAfterSignature, Modification } from "./revision-changes";

/** One signature of a PDF with its structural inspection and its CMS verification. */
export interface CheckedPdfSignature extends InspectedSignature {
  /** The CMS verification over the signed byte ranges; undefined when there is no CMS. */
  cms?: CadesVerificationReport;
}

/** One signature of a PDF with its inspection, its CMS verification and its ETSI validation. */
export interface VerifiedPdfSignature extends CheckedPdfSignature {
  /** The ETSI EN 319 102-1 validation: indication, sub-indication, proof of existence, revocation. */
  validation: SignatureValidation;
  /**
   * `validation.indication === "TOTAL-PASSED"`: cryptographically valid, trusted, well-formed
   * coverage, the certificate valid and not revoked at the proof of existence, and nothing after
   * it but what may follow a signature (later signatures, DSS, timestamps; pages only under a
   * later valid signature).
   */
  ok: boolean;
}

/** The result of {@link checkPdfSignatures}: the inspection and every signature's CMS verification. */
export interface CheckedPdf extends Omit<PdfSignatureInspection, "signatures"> {
  signatures: CheckedPdfSignature[];
}

/** The result of {@link verifyPdfSignatures}. */
export interface PdfVerification extends Omit<PdfSignatureInspection, "signatures"> {
  signatures: VerifiedPdfSignature[];
}

/** Options of {@link verifyPdfSignatures}. */
export interface VerifyPdfOptions {
  /** DER certificates of the roots to trust. */
  trustAnchors: Uint8Array[];
  /** Judge the certificates' validity in the CMS report at this time (default: the timestamp's, else now). */
  at?: Date;
  /** The validation time (default: the current time); a certificate without proof of existence is judged at it. */
  now?: Date;
  /** The server's own records of certificates it issued, by serial (lower-case hex): the first revocation source. */
  revocationRecords?: ReadonlyMap<string, RevocationRecord>;
}

/**
 * Inspects a PDF and verifies each signature's CMS (or document timestamp token) over its byte
 * ranges against the trust anchors: the first, cryptographic half of {@link verifyPdfSignatures},
 * for callers that look up their revocation records (by the signers' serials) in between. Never throws.
 */
export function checkPdfSignatures(bytes: Uint8Array, options: VerifyPdfOptions): CheckedPdf {
  const inspection = inspectPdfSignatures(bytes);
  const signatures = inspection.signatures.map((s): CheckedPdfSignature => {
    if (!s.contents) return { ...s };
    try {
      const chunks = s.coverage.signedRanges.map(([start, end]) => bytes.subarray(start, end));
      const cms =
        s.type === "documentTimestamp" || s.subFilter === "ETSI.RFC3161"
          ? verifyDocumentTimestamp({ token: s.contents, signedContent: chunks, trustAnchors: options.trustAnchors })
          : verifyCadesSignature({
              cms: s.contents,
              signedContent: chunks,
              trustAnchors: options.trustAnchors,
              ...(options.at ? { at: options.at } : {}),
              ...(options.now ? { now: options.now } : {}),
            });
      return { ...s, cms };
    } catch (error) {
      const message = `the signature could not be verified: ${(error as Error).message}`;
      return { ...s, changesAfter: { ...s.changesAfter, details: [...s.changesAfter.details, message] } };
    }
  });
  return { ...inspection, signatures };
}

/**
 * The second half of {@link verifyPdfSignatures}: validates the checked signatures from the last
 * to the first. A signature's proof of existence is its own trusted signature timestamp or a
 * document timestamp of a later revision that passes itself; revocation comes from
 * `revocationRecords`, else the final revision's /DSS. Pages appended after a signature must be
 * covered by a later signature that passes (a completion page appended before the last signer
 * signs), as must every stamp drawn by a later signature; under a later signature that is intact
 * and trusted but undecided (TRY_LATER, REVOKED_NO_POE, OUT_OF_BOUNDS_NO_POE, …) the signature is
 * INDETERMINATE with that sub-indication, and with no such later signature (or an untrusted one)
 * it fails with FORMAT_FAILURE naming them. `ok` is `indication === "TOTAL-PASSED"`. Never throws.
 */
export function validatePdfSignatures(bytes: Uint8Array, checked: CheckedPdf, options: VerifyPdfOptions): PdfVerification {
  const ctx = createValidationContext(bytes, {
    now: options.now ?? new Date(),
    trustAnchors: options.trustAnchors,
    ...(options.revocationRecords ? { records: options.revocationRecords } : {}),
  });
  const signatures: VerifiedPdfSignature[] = new Array(checked.signatures.length);
  for (let i = checked.signatures.length - 1; i >= 0; i--) {
    let s: CheckedPdfSignature = checked.signatures[i]!;
    const after = signatures.slice(i + 1).filter((l) => l.revision > s.revision);
    const later = after.filter((l) => l.ok);
    // a page or stamp under a later signature that is only INDETERMINATE leaves this one indeterminate too
    const undecided: { what: string; by: VerifiedPdfSignature }[] = [];
    const added: Modification[] = [];
    for (const page of s.changesAfter.pagesAdded) {
      const covering = after.filter((l) => l.type === "signature" && l.changesAfter.pagesAtSignature.includes(page.objectNumber));
      if (covering.some((l) => l.ok)) continue;
      const pending = covering.find(undecidedOnTime);
      if (pending) {
        undecided.push({ what: `page ${page.pageNumber}`, by: pending });
        continue;
      }
      added.push({
        code: "PAGE_NOT_SIGNED",
        objectNumber: page.objectNumber,
        usedFor: `page ${page.pageNumber}`,
        message: `object ${page.objectNumber} (page ${page.pageNumber}) added after signature ${i + 1} and signed by no later valid signature`,
      });
    }
    for (const stamp of s.changesAfter.appearancesAdded) {
      if (later.some((l) => l.objectNumber === stamp.signatureObject)) continue;
      const pending = after.find((l) => l.objectNumber === stamp.signatureObject && undecidedOnTime(l));
      if (pending) {
        undecided.push({ what: `the stamp of the signature field ${stamp.fieldName}`, by: pending });
        continue;
      }
      added.push({
        code: "STAMP_NOT_SIGNED",
        objectNumber: stamp.widget,
        usedFor: `widget of the signature field ${stamp.fieldName}`,
        message: `object ${stamp.widget} (widget of the signature field ${stamp.fieldName}) drawn after signature ${i + 1} by a signature that is not valid and trusted`,
      });
    }
    if (added.length > 0) {
      const changesAfter: ChangesAfterSignature = {
        ...s.changesAfter,
        kind: "otherModified",
        modifications: [...s.changesAfter.modifications, ...added],
        details: [...added.map((m) => m.message), ...s.changesAfter.details],
      };
      s = { ...s, changesAfter };
    }
    const proofs = later.filter((l) => isDocumentTimestamp(l) && l.cms?.timestamp?.genTime).map((l) => l.cms!.timestamp!.genTime!);
    let validation = validateSignature(s, proofs, ctx);
    const first = undecided[0];
    if (validation.indication === "TOTAL-PASSED" && first) {
      const k = first.by.index + 1;
      const sub = first.by.validation.subIndication;
      validation = {
        ...validation,
        indication: "INDETERMINATE",
        subIndication: sub,
        message: {
          zh: `${first.what} 是签署后加入的，由签名 ${k} 签署，而签名 ${k} 的结论不确定（${sub ?? "?"}）：${first.by.validation.message.zh}`,
          en: `${first.what} was added after signing and is signed by signature ${k}, which is INDETERMINATE (${sub ?? "?"}): ${first.by.validation.message.en}`,
        },
      };
    }
    signatures[i] = { ...s, validation, ok: validation.indication === "TOTAL-PASSED" };
  }
  const dssProblems: InspectionProblem[] = ctx.notes.map((message) => ({ code: "DSS_ENTRY_IGNORED", message }));
  return { ...checked, signatures, problems: [...checked.problems, ...dssProblems] };
}

/** Sub-indications of a signature that is intact and trusted, only not decided (revocation, expiry, algorithm age). */
const TIME_UNDECIDED = new Set(["TRY_LATER", "REVOKED_NO_POE", "OUT_OF_BOUNDS_NO_POE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"]);

function undecidedOnTime(s: VerifiedPdfSignature): boolean {
  return s.validation.indication === "INDETERMINATE" && TIME_UNDECIDED.has(s.validation.subIndication ?? "");
}

function isDocumentTimestamp(s: CheckedPdfSignature): boolean {
  return s.type === "documentTimestamp" || s.subFilter === "ETSI.RFC3161";
}

/**
 * Inspects a PDF, verifies each signature's CMS over its byte ranges against the trust anchors,
 * and validates each signature and document timestamp in the vocabulary of ETSI EN 319 102-1
 * (TOTAL-PASSED / TOTAL-FAILED / INDETERMINATE with a sub-indication) at its best signature time.
 * Never throws.
 */
export function verifyPdfSignatures(bytes: Uint8Array, options: VerifyPdfOptions): PdfVerification {
  return validatePdfSignatures(bytes, checkPdfSignatures(bytes, options), options);
}
