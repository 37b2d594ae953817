import type { KeyObject } from "node:crypto";
import { buildCertificate, generateSerialNumber, type CertificateIssuer, type IssuedCertificate } from "./certificate-builder";
import type { DistinguishedName } from "./distinguished-name";
import { revocationExtensions } from "./issue-signer-certificate";

/** Input for {@link issueTsaCertificate}. */
export interface IssueTsaCertificateInput {
  /** The TSA's name, e.g. `{ commonName: "Custos 时间戳服务" }`. */
  subject: DistinguishedName;
  publicKey: KeyObject;
  issuer: CertificateIssuer;
  notBefore: Date;
  notAfter: Date;
  /** Where validators find the CRL and the OCSP responder (see {@link revocationExtensions}). */
  crlDistributionPointUrl?: string;
  ocspUrl?: string;
}

/**
 * Issues a time-stamping authority certificate: extendedKeyUsage timeStamping only and
 * critical (RFC 3161 §2.3), keyUsage digitalSignature + nonRepudiation.
 */
export function issueTsaCertificate(input: IssueTsaCertificateInput): IssuedCertificate {
  return buildCertificate({
    subject: input.subject,
    publicKey: input.publicKey,
    serialNumber: generateSerialNumber(),
    notBefore: input.notBefore,
    notAfter: input.notAfter,
    issuer: input.issuer,
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, nonRepudiation: true, critical: true },
      { name: "extKeyUsage", timeStamping: true, critical: true },
      ...revocationExtensions(input),
    ],
  });
}
