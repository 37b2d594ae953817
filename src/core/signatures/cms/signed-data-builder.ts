import { createHash } from "node:crypto";
import {
  algorithmIdentifier,
  contextConstructed,
  derSetOf,
  integer,
  octetString,
  oid,
  rawElement,
  seq,
  setOf,
  toDer,
  type Asn1Node,
} from "../pki/asn1-builder";
import { readCertificate } from "../pki/read-certificate";
import { Oid, hashOidOf, type HashAlgorithm } from "./oids";

/**
 * Produces the signature value over the DER of the signed attributes
 * (RSA PKCS#1 v1.5 with SHA-256). The caller holds the key.
 */
export type SignCallback = (signedAttributesDer: Buffer) => Promise<Buffer>;

/** One CMS Attribute: type and values. */
export function attribute(type: string, ...values: Asn1Node[]): Asn1Node {
  return seq(oid(type), setOf(...values));
}

/**
 * The ESS signing-certificate-v2 attribute (RFC 5035) for a certificate: SHA-256 of
 * the certificate and its issuer and serial. The hash algorithm is the DEFAULT
 * (SHA-256) and is therefore omitted, as DER requires.
 */
export function signingCertificateV2Attribute(certificateDer: Uint8Array): Asn1Node {
  const cert = readCertificate(certificateDer);
  const hash = createHash("sha256").update(certificateDer).digest();
  const issuerSerial = seq(seq(contextConstructed(4, rawElement(cert.issuerNameDer))), rawElement(serialElement(cert.serialBytes)));
  return attribute(Oid.signingCertificateV2, seq(seq(seq(octetString(hash), issuerSerial))));
}

function serialElement(content: Buffer): Buffer {
  return toDer(integerFromContent(content));
}

function integerFromContent(content: Buffer): Asn1Node {
  return rawElement(Buffer.concat([Buffer.from([0x02]), lengthOctets(content.length), content]));
}

function lengthOctets(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Input for {@link buildSignedData}. */
export interface SignedDataParts {
  /** eContentType (id-data for PDF signatures, id-ct-TSTInfo for tokens). */
  contentType: string;
  /** Encapsulated content; absent for a detached signature. */
  content?: Buffer;
  /** Signed attributes other than content-type, which is added here. */
  signedAttributes: Asn1Node[];
  /** Unsigned attributes computed from the signature value. */
  unsignedAttributes?: (signatureValue: Buffer) => Promise<Asn1Node[]>;
  signerCertificate: Uint8Array;
  /** Certificates to include. */
  certificates: Uint8Array[];
  /** Whether to put the signer's certificate first in the certificate set (default true). */
  includeSignerCertificate?: boolean;
  digestAlgorithm: HashAlgorithm;
  sign: SignCallback;
}

/**
 * Builds a CMS ContentInfo(SignedData) with one SignerInfo identified by issuer and
 * serial. Signed attributes are encoded as a DER SET (sorted) and the signature is
 * taken over exactly those bytes.
 */
export async function buildSignedData(parts: SignedDataParts): Promise<Buffer> {
  const signer = readCertificate(parts.signerCertificate);
  const signedSet = derSetOf([attribute(Oid.contentType, oid(parts.contentType)), ...parts.signedAttributes]);
  const signedAttributesDer = toDer(signedSet);
  const signature = await parts.sign(signedAttributesDer);
  const unsigned = parts.unsignedAttributes ? await parts.unsignedAttributes(signature) : [];
  const digestAlgorithmId = algorithmIdentifier(hashOidOf(parts.digestAlgorithm), false);
  const signerInfo = seq(
    integer(1),
    seq(rawElement(signer.issuerNameDer), integerFromContent(signer.serialBytes)),
    digestAlgorithmId,
    contextConstructed(0, ...(signedSet.value as Asn1Node[])),
    algorithmIdentifier(Oid.rsaEncryption),
    octetString(signature),
    unsigned.length > 0 ? contextConstructed(1, ...unsigned) : undefined,
  );
  const certificates = uniqueCertificates([...(parts.includeSignerCertificate === false ? [] : [parts.signerCertificate]), ...parts.certificates]);
  const signedData = seq(
    integer(parts.contentType === Oid.data ? 1 : 3),
    setOf(algorithmIdentifier(hashOidOf(parts.digestAlgorithm), false)),
    seq(oid(parts.contentType), parts.content ? contextConstructed(0, octetString(parts.content)) : undefined),
    certificates.length > 0 ? contextConstructed(0, ...certificates.map((c) => rawElement(c))) : undefined,
    setOf(signerInfo),
  );
  return toDer(seq(oid(Oid.signedData), contextConstructed(0, signedData)));
}

function uniqueCertificates(list: Uint8Array[]): Buffer[] {
  const seen = new Set<string>();
  const out: Buffer[] = [];
  for (const c of list) {
    const b = Buffer.from(c);
    const key = b.toString("base64");
    if (!seen.has(key)) {
      seen.add(key);
      out.push(b);
    }
  }
  return out;
}
