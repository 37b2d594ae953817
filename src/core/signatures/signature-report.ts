import type { VerifiedPdfSignature } from "./pdf/verify-pdf-signatures";

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
  ok: boolean;
  integrity: { digestMatches: boolean; signatureValid: boolean };
  certificate: { subject: string | null; serialNumber: string | null; issuer: string | null; notBefore: string | null; notAfter: string | null };
  chain: "trusted" | "unknown" | "broken";
  revocation: { status: "good" | "revoked" | "unknown"; revokedAt: string | null; reason: string | null; beforeSigning: boolean | null };
  signingCertificateBinding: "match" | "mismatch" | "absent" | "unknown";
  timestamp: { present: boolean; valid: boolean | null; genTime: string | null; tsa: string | null; trusted: boolean | null } | null;
  coverage: { wellFormed: boolean; coversWholeFile: boolean; coversRevision: boolean; anomalies: string[] };
  /** What later revisions changed; `modifications` are the changes the signature does not allow, each with the object and its use. */
  changesAfter: { kind: string; details: string[]; modifications: { code: string; objectNumber: number | null; usedFor: string | null; message: string }[] };
  problems: { code: string; severity: string; message: string }[];
}

/**
 * One verified PDF signature as the report presents it; `ours` is our record of the signer's
 * certificate (when the chain leads to our root), which gives the revocation status.
 */
export function signatureReportOf(s: VerifiedPdfSignature, ours: { revokedAt: Date | null; revocationReason: string | null } | undefined): SignatureReport {
  const cms = s.cms;
  const serial = cms?.signer?.serialNumber ?? null;
  const signedAt = cms?.timestamp?.genTime ?? s.signingTime ?? null;
  const revokedAt = ours?.revokedAt ?? null;
  return {
    index: s.index,
    fieldName: s.fieldName ?? null,
    subFilter: s.subFilter ?? null,
    signerName: s.name ?? cms?.signer?.subject.commonName ?? null,
    reason: s.reason ?? null,
    signingTime: s.signingTime?.toISOString() ?? null,
    ok: s.ok && !(revokedAt && signedAt && revokedAt <= signedAt),
    integrity: { digestMatches: cms?.messageDigestMatches ?? false, signatureValid: cms?.signatureValid ?? false },
    certificate: {
      subject: cms?.signer?.subject.text ?? null,
      serialNumber: serial,
      issuer: cms?.signer?.issuer.text ?? null,
      notBefore: cms?.signer?.notBefore?.toISOString() ?? null,
      notAfter: cms?.signer?.notAfter?.toISOString() ?? null,
    },
    chain: cms?.chain.status === "trusted" ? "trusted" : cms?.chain.status === "broken" ? "broken" : "unknown",
    revocation: ours
      ? {
          status: revokedAt ? "revoked" : "good",
          revokedAt: revokedAt?.toISOString() ?? null,
          reason: ours.revocationReason,
          beforeSigning: revokedAt && signedAt ? revokedAt <= signedAt : null,
        }
      : { status: "unknown", revokedAt: null, reason: null, beforeSigning: null },
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
