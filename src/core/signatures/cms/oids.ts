/** Object identifiers used by CMS, CAdES and RFC 3161. */
export const Oid = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  tstInfo: "1.2.840.113549.1.9.16.1.4",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
  signingCertificate: "1.2.840.113549.1.9.16.2.12",
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  signatureTimeStampToken: "1.2.840.113549.1.9.16.2.14",
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  sha1WithRsa: "1.2.840.113549.1.1.5",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  sha384WithRsa: "1.2.840.113549.1.1.12",
  sha512WithRsa: "1.2.840.113549.1.1.13",
  ecdsaWithSha1: "1.2.840.10045.4.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
  ecPublicKey: "1.2.840.10045.2.1",
  ed25519: "1.3.101.112",
  sha1: "1.3.14.3.2.26",
  sha256: "2.16.840.1.101.3.4.2.1",
  sha384: "2.16.840.1.101.3.4.2.2",
  sha512: "2.16.840.1.101.3.4.2.3",
} as const;

/** Digest algorithms Custos understands, by node:crypto name. */
export type HashAlgorithm = "sha1" | "sha256" | "sha384" | "sha512";

const HASH_BY_OID: Record<string, HashAlgorithm> = {
  [Oid.sha1]: "sha1",
  [Oid.sha256]: "sha256",
  [Oid.sha384]: "sha384",
  [Oid.sha512]: "sha512",
};

/** Digest lengths in bytes. */
export const HASH_LENGTH: Record<HashAlgorithm, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

/** The node:crypto name of a digest OID, or undefined when unknown. */
export function hashAlgorithmOf(oid: string): HashAlgorithm | undefined {
  return HASH_BY_OID[oid];
}

/** The OID of a digest algorithm. */
export function hashOidOf(algorithm: HashAlgorithm): string {
  return { sha1: Oid.sha1, sha256: Oid.sha256, sha384: Oid.sha384, sha512: Oid.sha512 }[algorithm];
}

const ATTRIBUTE_NAMES: Record<string, string> = {
  [Oid.contentType]: "content-type",
  [Oid.messageDigest]: "message-digest",
  [Oid.signingTime]: "signing-time",
  [Oid.signingCertificate]: "signing-certificate",
  [Oid.signingCertificateV2]: "signing-certificate-v2",
  [Oid.signatureTimeStampToken]: "signature-time-stamp",
  "1.2.840.113583.1.1.8": "adbe-revocation-info-archival",
  "1.2.840.113549.1.9.52": "cms-algorithm-protection",
  "1.2.840.113549.1.9.16.2.15": "signature-policy-identifier",
};

/** Human name of an attribute OID (the OID itself when unknown). */
export function attributeName(oid: string): string {
  return ATTRIBUTE_NAMES[oid] ?? oid;
}
