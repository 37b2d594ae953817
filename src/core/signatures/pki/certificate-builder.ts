import { X509Certificate, createHash, randomBytes, sign as signWithKey, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { toForgeAttributes, type DistinguishedName } from "./distinguished-name";
import { toForgePublicKey } from "./keys";
import { UniversalTag, childAt, encodingOf, isContext, parseDer, type DerNode } from "./der-reader";

/** The issuing side of a certificate: the CA's certificate and private key. */
export interface CertificateIssuer {
  /** DER of the issuing CA's certificate. */
  certificate: Uint8Array;
  /** The CA's private key. */
  privateKey: KeyObject;
}

/** A freshly issued certificate. */
export interface IssuedCertificate {
  /** DER encoding. */
  certificate: Buffer;
  /** Serial number as lower-case hex (no leading zeros). */
  serialNumber: string;
}

/** Generates a positive 16-byte serial number as hex. */
export function generateSerialNumber(): string {
  const bytes = randomBytes(16);
  // Top bit clear keeps the INTEGER positive; the 0x40 bit keeps it exactly 16 bytes long.
  bytes[0] = 0x40 | (bytes[0]! & 0x3f);
  return bytes.toString("hex");
}

/**
 * Key identifier of a public key: SHA-1 of the RSAPublicKey (RFC 5280 §4.2.1.2 method 1),
 * the same value forge computes for subjectKeyIdentifier.
 */
export function computeKeyIdentifier(publicKey: KeyObject): Buffer {
  return createHash("sha1").update(publicKey.export({ type: "pkcs1", format: "der" })).digest();
}

interface BuildCertificateInput {
  subject: DistinguishedName;
  publicKey: KeyObject;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  extensions: object[];
  /** Issuer name and key; absent for a self-signed certificate. */
  issuer?: CertificateIssuer;
  /** Signing key for a self-signed certificate. */
  selfSignKey?: KeyObject;
}

/**
 * Builds and signs an X.509 v3 certificate with forge's structures and node:crypto RSA
 * (sha256WithRSAEncryption).
 */
export function buildCertificate(input: BuildCertificateInput): IssuedCertificate {
  const { asn1 } = forge;
  const cert = forge.pki.createCertificate();
  cert.publicKey = toForgePublicKey(input.publicKey);
  cert.serialNumber = input.serialNumber;
  cert.validity.notBefore = input.notBefore;
  cert.validity.notAfter = input.notAfter;
  cert.setSubject(toForgeAttributes(input.subject));
  cert.setIssuer(toForgeAttributes(input.subject));
  let signingKey: KeyObject;
  let issuerName: forge.asn1.Asn1 | undefined;
  let authorityKey: KeyObject;
  if (input.issuer) {
    const issuerDer = Buffer.from(input.issuer.certificate);
    // The issuer field must be byte-identical to the CA's subject, so it is copied
    // from the CA certificate rather than re-encoded.
    issuerName = asn1.fromDer(encodingOf(subjectNameOf(issuerDer)).toString("binary"));
    authorityKey = new X509Certificate(issuerDer).publicKey;
    signingKey = input.issuer.privateKey;
  } else {
    if (!input.selfSignKey) throw new Error("a self-signed certificate needs its private key");
    authorityKey = input.publicKey;
    signingKey = input.selfSignKey;
  }
  cert.setExtensions([
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: computeKeyIdentifier(authorityKey).toString("binary") },
    ...input.extensions,
  ]);
  cert.signatureOid = forge.pki.oids.sha256WithRSAEncryption!;
  cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption!;
  // getTBSCertificate exists in forge but is missing from its type definitions.
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  if (issuerName) (tbs.value as forge.asn1.Asn1[])[3] = issuerName;
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), "binary");
  const signature = signWithKey("sha256", tbsDer, signingKey);
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(forge.pki.oids.sha256WithRSAEncryption!).getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ""),
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, "\u0000" + signature.toString("binary")),
  ]);
  const der = Buffer.from(asn1.toDer(certificate).getBytes(), "binary");
  return { certificate: der, serialNumber: input.serialNumber.replace(/^(00)+(?=.)/, "") };
}

/**
 * The subject Name element of a DER certificate.
 *
 * @throws {@link DerError} when the input is not a certificate.
 */
export function subjectNameOf(certificate: Uint8Array): DerNode {
  const tbs = childAt(parseDer(certificate), 0, UniversalTag.sequence);
  const offset = isContext(tbs.children[0], 0) ? 1 : 0;
  return childAt(tbs, offset + 4, UniversalTag.sequence);
}
