import type { KeyObject } from "node:crypto";
import { buildCertificate, generateSerialNumber, type CertificateIssuer, type IssuedCertificate } from "./certificate-builder";
import type { DistinguishedName } from "./distinguished-name";
import { contextPrimitive, oid, seq } from "./asn1-builder";

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
  /** URL of the OCSP responder, written as an authorityInfoAccess extension when given. */
  ocspUrl?: string;
}

/**
 * The extensions that tell a validator where to ask about revocation: cRLDistributionPoints and
 * authorityInfoAccess (id-ad-ocsp), each only when its URL is given.
 */
export function revocationExtensions(urls: { crlDistributionPointUrl?: string; ocspUrl?: string }): object[] {
  const extensions: object[] = [];
  if (urls.crlDistributionPointUrl) {
    extensions.push({ name: "cRLDistributionPoints", altNames: [{ type: 6, value: urls.crlDistributionPointUrl }] });
  }
  if (urls.ocspUrl) {
    // AuthorityInfoAccessSyntax ::= SEQUENCE OF AccessDescription { accessMethod, accessLocation [6] URI }
    const access = seq(seq(oid("1.3.6.1.5.5.7.48.1"), contextPrimitive(6, Buffer.from(urls.ocspUrl, "ascii"))));
    extensions.push({ id: "1.3.6.1.5.5.7.1.1", name: "authorityInfoAccess", critical: false, value: access });
  }
  return extensions;
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
  extensions.push(...revocationExtensions(input));
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
