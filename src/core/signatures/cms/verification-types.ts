import type { CertificateSummary } from "../pki/read-certificate";

/** How serious a finding is: an `error` makes the report not ok, a `warning` does not. */
export type ProblemSeverity = "error" | "warning";

/** One finding of a verification, with a stable SCREAMING_SNAKE code and a sentence for people. */
export interface VerificationProblem {
  code: string;
  severity: ProblemSeverity;
  message: string;
}

/** A certificate as shown in reports. */
export type CertificateInfo = Pick<CertificateSummary, "subject" | "issuer" | "serialNumber" | "notBefore" | "notAfter" | "sha256">;

/** Result of path building to the trust anchors. */
export type ChainStatus = "trusted" | "unknownIssuer" | "broken";

/** The certification path of a signer (or TSA) certificate. */
export interface ChainReport {
  status: ChainStatus;
  /** From the end-entity certificate up to the anchor (or as far as it could be built). */
  certificates: CertificateInfo[];
  /** Why the chain is not trusted; empty when trusted. */
  detail: string;
}

/** Outcome of checking the ESS signing-certificate(-v2) attribute against the actual certificate. */
export type SigningCertificateBinding = "match" | "mismatch" | "absent";

/** Converts a certificate summary to the report shape. */
export function toCertificateInfo(c: CertificateSummary): CertificateInfo {
  return { subject: c.subject, issuer: c.issuer, serialNumber: c.serialNumber, notBefore: c.notBefore, notAfter: c.notAfter, sha256: c.sha256 };
}

/** Collects problems for a report. */
export class ProblemList {
  readonly items: VerificationProblem[] = [];
  error(code: string, message: string): void {
    this.items.push({ code, severity: "error", message });
  }
  warning(code: string, message: string): void {
    this.items.push({ code, severity: "warning", message });
  }
  get hasErrors(): boolean {
    return this.items.some((p) => p.severity === "error");
  }
}
