import type { KeyObject } from "node:crypto";
import { buildCertificate, generateSerialNumber, type CertificateIssuer, type IssuedCertificate } from "./certificate-builder";
import type { DistinguishedName } from "./distinguished-name";

/** Input for {@link issueSignerCertificate}. */
export interface IssueSignerCertificateInput {
  /** The signer's name, e.g. `{ commonName: "张三", organization: "某公司", organizationalUnit: "研发部" }`. */
  subject: DistinguishedName;
  /** The signer's public key. */
  publicKey: KeyObject;
  /** The CA that issues the certificate. */
  issuer: CertificateIssuer;
  notBefore: Date;
  notAfter: Date;
  /** URL of the CRL, written as a cRLDistributionPoints extension when given. */
  crlDistributionPointUrl?: string;
}

/**
 * Issues an end-entity signing certificate: keyUsage digitalSignature + nonRepudiation
 * (critical), basicConstraints CA:FALSE, a random positive 16-byte serial number.
 */
export function issueSignerCertificate(input: IssueSignerCertificateInput): IssuedCertificate {
  const extensions: object[] = [
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, nonRepudiation: true, critical: true },
  ];
  if (input.crlDistributionPointUrl) {
    extensions.push({ name: "cRLDistributionPoints", altNames: [{ type: 6, value: input.crlDistributionPointUrl }] });
  }
  return buildCertificate({
    subject: input.subject,
    publicKey: input.publicKey,
    serialNumber: generateSerialNumber(),
    notBefore: input.notBefore,
    notAfter: input.notAfter,
    issuer: input.issuer,
    extensions,
  });
}
