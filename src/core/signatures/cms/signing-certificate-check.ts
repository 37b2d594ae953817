import { createHash } from "node:crypto";
import { UniversalTag, contentOf, encodingOf, isContext, isUniversal, readIntegerBytes, readOid } from "../pki/der-reader";
import type { CertificateSummary } from "../pki/read-certificate";
import { Oid, hashAlgorithmOf } from "./oids";
import type { ParsedAttribute } from "./parse-signed-data";
import type { SigningCertificateBinding } from "./verification-types";

/** Result of {@link checkSigningCertificate}. */
export interface SigningCertificateCheck {
  binding: SigningCertificateBinding;
  /** Which attribute was found. */
  attribute?: "signing-certificate-v2" | "signing-certificate";
  /** Why it does not match. */
  detail: string;
}

/**
 * Checks the ESS signing-certificate-v2 (RFC 5035) or signing-certificate (RFC 2634)
 * signed attribute against the certificate that actually verifies the signature: the
 * first ESSCertID's hash must equal the certificate's hash, and its issuerSerial, when
 * present, must name the certificate's issuer and serial. Never throws.
 */
export function checkSigningCertificate(attributes: ParsedAttribute[] | undefined, certificate: CertificateSummary): SigningCertificateCheck {
  const v2 = attributes?.find((a) => a.oid === Oid.signingCertificateV2);
  const v1 = attributes?.find((a) => a.oid === Oid.signingCertificate);
  const attr = v2 ?? v1;
  if (!attr) return { binding: "absent", detail: "no signing-certificate attribute" };
  const name = v2 ? "signing-certificate-v2" : "signing-certificate";
  try {
    const certs = attr.values[0]?.children[0];
    const essCertId = certs?.children[0];
    if (!essCertId) return { binding: "mismatch", attribute: name, detail: "the attribute lists no certificate" };
    let i = 0;
    let hash = v2 ? "sha256" : "sha1";
    const first = essCertId.children[0];
    if (v2 && isUniversal(first, UniversalTag.sequence)) {
      const named = hashAlgorithmOf(readOid(first.children[0]!));
      if (!named) return { binding: "mismatch", attribute: name, detail: "unsupported hash algorithm in ESSCertIDv2" };
      hash = named;
      i++;
    }
    const certHash = essCertId.children[i++];
    if (!isUniversal(certHash, UniversalTag.octetString)) return { binding: "mismatch", attribute: name, detail: "malformed ESSCertID" };
    const actual = createHash(hash).update(certificate.der).digest();
    if (!actual.equals(contentOf(certHash))) {
      return { binding: "mismatch", attribute: name, detail: "the certificate hash in the signed attributes is not the hash of the signer's certificate" };
    }
    const issuerSerial = essCertId.children[i];
    if (issuerSerial) {
      const generalNames = issuerSerial.children[0];
      const serial = issuerSerial.children[1];
      const directoryNames = (generalNames?.children ?? []).filter((g) => isContext(g, 4)).map((g) => encodingOf(g.children[0]!));
      const issuerMatches = directoryNames.some((n) => n.equals(certificate.issuerNameDer));
      const serialMatches = serial !== undefined && trimInteger(readIntegerBytes(serial)).equals(trimInteger(certificate.serialBytes));
      if (!issuerMatches || !serialMatches) {
        return { binding: "mismatch", attribute: name, detail: "issuerSerial in the signed attributes names another certificate" };
      }
    }
    return { binding: "match", attribute: name, detail: "" };
  } catch (error) {
    return { binding: "mismatch", attribute: name, detail: `malformed attribute: ${(error as Error).message}` };
  }
}

/** INTEGER content without redundant leading zero octets. */
export function trimInteger(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0 && bytes[i + 1]! < 0x80) i++;
  return bytes.subarray(i);
}
