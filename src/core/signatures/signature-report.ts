import type { VerifiedPdfSignature } from "./pdf/verify-pdf-signatures";
import type { Indication, SubIndication } from "./validation/vocabulary";

/**
 * The report of one PDF signature, shared by the verification page and API, and by the audit
 * package (its signature reports, and the offline verifier): no database, no I/O here.
 */

/** One signature as the verification report presents it. */
export interface SignatureReport {
  index: number;
  fieldName: string | null;
  subFilter: string | null;
  signerName: string | null;
  reason: string | null;
  signingTime: string | null;
  /** `indication === "TOTAL-PASSED"`. */
  ok: boolean;
  /** ETSI EN 319 102-1 main indication. */
  indication: Indication;
  /** ETSI EN 319 102-1 sub-indication; null when TOTAL-PASSED. */
  subIndication: SubIndication | null;
  /** The verdict in words, Chinese and English. */
  message: { zh: string; en: string };
  /** The proof of existence the certificate was judged at (ISO); null when none (judged at validationTime). */
  bestSignatureTime: string | null;
  /** What proves that time. */
  proofOfExistence: "signature-timestamp" | "document-timestamp" | null;
  /** When the validation was made. */
  validationTime: string;
  /** Notes: revocation or expiry after the proof of existence, validation data that was ignored. */
  reasons: { zh: string; en: string }[];
  integrity: { digestMatches: boolean; signatureValid: boolean };
  certificate: { subject: string | null; serialNumber: string | null; issuer: string | null; notBefore: string | null; notAfter: string | null };
  chain: "trusted" | "unknown" | "broken";
  /**
   * The signer certificate's revocation status and where it came from: the Custos server's record,
   * an OCSP response or CRL in the PDF's DSS (verified with the issuer's key), or none. `fresh`:
   * issued at/after the best signature time (or current at a document timestamp's time).
   */
  revocation: {
    status: "good" | "revoked" | "unknown";
    revokedAt: string | null;
    reason: string | null;
    beforeSigning: boolean | null;
    source: "custos" | "dss-ocsp" | "dss-crl" | "none";
    issuedAt: string | null;
    fresh: boolean;
  };
  signingCertificateBinding: "match" | "mismatch" | "absent" | "unknown";
  timestamp: { present: boolean; valid: boolean | null; genTime: string | null; tsa: string | null; trusted: boolean | null } | null;
  coverage: { wellFormed: boolean; coversWholeFile: boolean; coversRevision: boolean; anomalies: string[] };
  /** What later revisions changed; `modifications` are the changes the signature does not allow, each with the object and its use. */
  changesAfter: { kind: string; details: string[]; modifications: { code: string; objectNumber: number | null; usedFor: string | null; message: string }[] };
  problems: { code: string; severity: string; message: string }[];
}

/**
 * One verified PDF signature as the report presents it, with its ETSI indication; the revocation
 * source (the server's record, the DSS, none) was decided by the verifier.
 */
export function signatureReportOf(s: VerifiedPdfSignature): SignatureReport {
  const cms = s.cms;
  const v = s.validation;
  const serial = cms?.signer?.serialNumber ?? null;
  const signedAt = v.bestSignatureTime ?? s.signingTime ?? null;
  const revokedAt = v.revocation.revokedAt;
  return {
    index: s.index,
    fieldName: s.fieldName ?? null,
    subFilter: s.subFilter ?? null,
    signerName: s.name ?? cms?.signer?.subject.commonName ?? null,
    reason: s.reason ?? null,
    signingTime: s.signingTime?.toISOString() ?? null,
    ok: s.ok,
    indication: v.indication,
    subIndication: v.subIndication,
    message: v.message,
    bestSignatureTime: v.bestSignatureTime?.toISOString() ?? null,
    proofOfExistence: v.poe,
    validationTime: v.validationTime.toISOString(),
    reasons: v.reasons,
    integrity: { digestMatches: cms?.messageDigestMatches ?? false, signatureValid: cms?.signatureValid ?? false },
    certificate: {
      subject: cms?.signer?.subject.text ?? null,
      serialNumber: serial,
      issuer: cms?.signer?.issuer.text ?? null,
      notBefore: cms?.signer?.notBefore?.toISOString() ?? null,
      notAfter: cms?.signer?.notAfter?.toISOString() ?? null,
    },
    chain: cms?.chain.status === "trusted" ? "trusted" : cms?.chain.status === "broken" ? "broken" : "unknown",
    revocation: {
      status: v.revocation.status,
      revokedAt: revokedAt?.toISOString() ?? null,
      reason: v.revocation.reason,
      beforeSigning: revokedAt && signedAt ? revokedAt <= signedAt : null,
      source: v.revocation.source,
      issuedAt: v.revocation.issuedAt?.toISOString() ?? null,
      fresh: v.revocation.fresh,
    },
    signingCertificateBinding: cms?.signingCertificate ?? "unknown",
    timestamp: cms?.timestamp
      ? {
          present: true,
          valid: cms.timestamp.ok,
          genTime: cms.timestamp.genTime?.toISOString() ?? null,
          tsa: cms.timestamp.tsa?.subject.text ?? null,
          trusted: cms.timestamp.chain.status === "trusted",
        }
      : null,
    coverage: {
      wellFormed: s.coverage.wellFormed,
      coversWholeFile: s.coverage.coversWholeFile,
      coversRevision: s.coverage.coversRevision,
      anomalies: s.coverage.anomalies.map((a) => a.code),
    },
    changesAfter: {
      kind: s.changesAfter.kind,
      details: s.changesAfter.details,
      modifications: s.changesAfter.modifications.map((m) => ({ code: m.code, objectNumber: m.objectNumber ?? null, usedFor: m.usedFor ?? null, message: m.message })),
    },
    problems: (cms?.problems ?? []).map((p) => ({ code: p.code, severity: p.severity, message: p.message })),
  };
}
