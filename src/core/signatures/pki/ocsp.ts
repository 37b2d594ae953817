import { X509Certificate, createHash, sign as signWithKey, type KeyObject } from "node:crypto";
import {
  algorithmIdentifier,
  bitString,
  contextConstructed,
  contextPrimitive,
  enumerated,
  generalizedTime,
  octetString,
  oid,
  rawElement,
  seq,
  toDer,
  type Asn1Node,
} from "./asn1-builder";
import { subjectNameOf } from "./certificate-builder";
import {
  DerError,
  UniversalTag,
  childAt,
  contentOf,
  encodingOf,
  isContext,
  isUniversal,
  parseDerExact,
  readIntegerHex,
  readOid,
  type DerNode,
} from "./der-reader";
import type { RevocationReason } from "./create-crl";

/** RFC 6960 §4.2.1 OCSPResponseStatus values other than successful. */
export type OcspErrorStatus = "malformedRequest" | "internalError" | "tryLater" | "sigRequired" | "unauthorized";

const STATUS_CODES: Record<OcspErrorStatus | "successful", number> = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
};

const REASON_CODES: Record<RevocationReason, number> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
};

const OID_OCSP_BASIC = "1.3.6.1.5.5.7.48.1.1";
const OID_OCSP_NONCE = "1.3.6.1.5.5.7.48.1.2";
const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
const HASHES: Record<string, "sha1" | "sha256" | "sha384" | "sha512"> = {
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

/** One CertID of a request: which certificate is asked about. */
export interface OcspCertId {
  /** The hash the client used for the issuer name and key (sha1 for openssl's default). */
  hashAlgorithm: "sha1" | "sha256" | "sha384" | "sha512";
  issuerNameHash: Buffer;
  issuerKeyHash: Buffer;
  /** Serial number as lower-case hex without leading zeros. */
  serialNumber: string;
  /** The CertID exactly as received, echoed in the answer. */
  der: Buffer;
}

/** A parsed OCSPRequest. */
export interface OcspRequest {
  certIds: OcspCertId[];
  /** The nonce extension's extnValue content, when the client sent one (echoed byte for byte). */
  nonce?: Buffer;
}

/**
 * Parses a DER OCSPRequest (RFC 6960 §4.1.1). A signature on the request, when present, is
 * ignored (the responder answers anyone).
 *
 * @throws {@link DerError} when the bytes are not an OCSPRequest or ask about no certificate.
 */
export function parseOcspRequest(der: Uint8Array): OcspRequest {
  const root = parseDerExact(der);
  const tbs = childAt(root, 0, UniversalTag.sequence);
  let i = 0;
  if (isContext(tbs.children[i], 0)) i++;
  if (isContext(tbs.children[i], 1)) i++;
  const list = childAt(tbs, i, UniversalTag.sequence);
  if (list.children.length === 0) throw new DerError("the request lists no certificate");
  if (list.children.length > 64) throw new DerError("too many certificates in one request");
  const certIds = list.children.map((request) => readCertId(childAt(request, 0, UniversalTag.sequence)));
  let nonce: Buffer | undefined;
  const extensions = tbs.children[i + 1];
  if (isContext(extensions, 2)) {
    for (const ext of childAt(extensions, 0, UniversalTag.sequence).children) {
      if (readOid(childAt(ext, 0)) !== OID_OCSP_NONCE) continue;
      const value = ext.children[ext.children.length - 1];
      if (!isUniversal(value, UniversalTag.octetString)) throw new DerError("malformed nonce extension");
      nonce = Buffer.from(contentOf(value));
      if (nonce.length > 128) throw new DerError("nonce too long");
    }
  }
  return { certIds, ...(nonce ? { nonce } : {}) };
}

/** Reads a CertID (RFC 6960 §4.1.1). @throws {@link DerError} when malformed or its hash is not supported. */
export function readCertId(node: DerNode): OcspCertId {
  const algorithm = readOid(childAt(childAt(node, 0, UniversalTag.sequence), 0));
  const hashAlgorithm = HASHES[algorithm];
  if (!hashAlgorithm) throw new DerError(`unsupported CertID hash ${algorithm}`);
  return {
    hashAlgorithm,
    issuerNameHash: Buffer.from(contentOf(childAt(node, 1, UniversalTag.octetString))),
    issuerKeyHash: Buffer.from(contentOf(childAt(node, 2, UniversalTag.octetString))),
    serialNumber: readIntegerHex(childAt(node, 3, UniversalTag.integer)),
    der: Buffer.from(encodingOf(node)),
  };
}

/** The CertID (SHA-1, as most clients send) of `certificate` issued by `issuerCertificate`. */
export function certIdFor(certificate: Uint8Array, issuerCertificate: Uint8Array): OcspCertId {
  const issuerNameHash = createHash("sha1").update(encodingOf(subjectNameOf(issuerCertificate))).digest();
  const issuerKeyHash = createHash("sha1").update(subjectPublicKeyBits(issuerCertificate)).digest();
  const tbs = childAt(parseDerExact(certificate), 0, UniversalTag.sequence);
  const serial = childAt(tbs, isContext(tbs.children[0], 0) ? 1 : 0, UniversalTag.integer);
  const der = toDer(seq(algorithmIdentifier("1.3.14.3.2.26"), octetString(issuerNameHash), octetString(issuerKeyHash), rawElement(encodingOf(serial))));
  return { hashAlgorithm: "sha1", issuerNameHash, issuerKeyHash, serialNumber: readIntegerHex(serial), der };
}

/** Whether a CertID names certificates issued by `issuerCertificate` (name and key hashes match). */
export function certIdMatchesIssuer(certId: OcspCertId, issuerCertificate: Uint8Array): boolean {
  const nameHash = createHash(certId.hashAlgorithm).update(encodingOf(subjectNameOf(issuerCertificate))).digest();
  const keyHash = createHash(certId.hashAlgorithm).update(subjectPublicKeyBits(issuerCertificate)).digest();
  return nameHash.equals(certId.issuerNameHash) && keyHash.equals(certId.issuerKeyHash);
}

/** The subjectPublicKey BIT STRING's value (without the unused-bits octet) of a certificate. */
function subjectPublicKeyBits(certificate: Uint8Array): Buffer {
  const spki = new X509Certificate(Buffer.from(certificate)).publicKey.export({ type: "spki", format: "der" });
  const bits = childAt(parseDerExact(spki), 1, UniversalTag.bitString);
  return Buffer.from(contentOf(bits).subarray(1));
}

/** The status of one certificate, as the responder determined it. */
export type OcspCertStatus =
  | { status: "good" }
  | { status: "unknown" }
  | { status: "revoked"; revokedAt: Date; reason?: RevocationReason };

/** Input for {@link buildOcspResponse}. */
export interface BuildOcspResponseInput {
  /** The responder: the CA itself (or a delegated OCSP signing certificate issued by it). */
  responder: { certificate: Uint8Array; privateKey: KeyObject };
  /** Extra certificates to include (a delegated responder's own certificate). */
  certificates?: Uint8Array[];
  producedAt: Date;
  /** One answer per CertID, in the order asked. */
  answers: { certId: OcspCertId; status: OcspCertStatus }[];
  /** nextUpdate of every answer. */
  nextUpdate: Date;
  nonce?: Buffer;
}

/**
 * A successful OCSPResponse carrying a BasicOCSPResponse signed with sha256WithRSAEncryption,
 * the responder named by key hash (RFC 6960 §4.2.1).
 */
export function buildOcspResponse(input: BuildOcspResponseInput): Buffer {
  const keyHash = createHash("sha1").update(subjectPublicKeyBits(input.responder.certificate)).digest();
  const responses = input.answers.map(({ certId, status }) =>
    seq(
      rawElement(certId.der),
      certStatusNode(status),
      generalizedTime(input.producedAt),
      contextConstructed(0, generalizedTime(input.nextUpdate)),
    ),
  );
  const extensions: Asn1Node[] = input.nonce ? [seq(oid(OID_OCSP_NONCE), octetString(input.nonce))] : [];
  const tbs = seq(
    contextConstructed(2, octetString(keyHash)),
    generalizedTime(input.producedAt),
    seq(...responses),
    extensions.length > 0 ? contextConstructed(1, seq(...extensions)) : undefined,
  );
  const tbsDer = toDer(tbs);
  const signature = signWithKey("sha256", tbsDer, input.responder.privateKey);
  const certs = input.certificates ?? [];
  const basic = seq(
    rawElement(tbsDer),
    algorithmIdentifier(SHA256_WITH_RSA),
    bitString(signature),
    certs.length > 0 ? contextConstructed(0, seq(...certs.map((c) => rawElement(c)))) : undefined,
  );
  return toDer(seq(enumerated(STATUS_CODES.successful), contextConstructed(0, seq(oid(OID_OCSP_BASIC), octetString(toDer(basic))))));
}

/** An OCSPResponse that only carries an error status (no responseBytes). */
export function buildOcspErrorResponse(status: OcspErrorStatus): Buffer {
  return toDer(seq(enumerated(STATUS_CODES[status])));
}

function certStatusNode(status: OcspCertStatus): Asn1Node {
  if (status.status === "good") return contextPrimitive(0, new Uint8Array());
  if (status.status === "unknown") return contextPrimitive(2, new Uint8Array());
  const reason = status.reason ? contextConstructed(0, enumerated(REASON_CODES[status.reason])) : undefined;
  return contextConstructed(1, generalizedTime(status.revokedAt), ...(reason ? [reason] : []));
}

