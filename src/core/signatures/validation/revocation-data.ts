import { X509Certificate } from "node:crypto";
import { checkSignatureValue } from "../cms/signature-check";
import {
  UniversalTag,
  childAt,
  contentOf,
  encodingOf,
  isContext,
  isUniversal,
  parseDer,
  parseDerExact,
  readIntegerHex,
  readOid,
  readTime,
  type DerNode,
} from "../pki/der-reader";
import { certIdMatchesIssuer, readCertId, type OcspCertId } from "../pki/ocsp";
import { readCertificate, type CertificateSummary } from "../pki/read-certificate";

/** What one piece of validation data (an OCSP response or a CRL) says about one certificate. */
export interface RevocationEvidence {
  source: "dss-ocsp" | "dss-crl";
  status: "good" | "revoked" | "unknown";
  revokedAt?: Date;
  reason?: string;
  /** thisUpdate of the answer (OCSP SingleResponse, or the CRL). */
  thisUpdate: Date;
  nextUpdate?: Date;
  /** OCSP producedAt. */
  producedAt?: Date;
}

const OID_OCSP_BASIC = "1.3.6.1.5.5.7.48.1.1";
const OID_OCSP_SIGNING = "1.3.6.1.5.5.7.3.9";
const OID_CRL_REASON = "2.5.29.21";
const REASONS = ["unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded", "cessationOfOperation", "certificateHold", "", "removeFromCRL", "privilegeWithdrawn", "aACompromise"];

interface SingleResponse {
  certId: OcspCertId;
  status: "good" | "revoked" | "unknown";
  revokedAt?: Date;
  reason?: string;
  thisUpdate: Date;
  nextUpdate?: Date;
}

/** A BasicOCSPResponse, decoded but not yet verified. */
export interface ParsedOcsp {
  kind: "ocsp";
  producedAt: Date;
  responses: SingleResponse[];
  tbs: Buffer;
  signatureAlgorithm: DerNode;
  signature: Buffer;
  certificates: Buffer[];
}

/** A CRL, decoded but not yet verified. */
export interface ParsedCrl {
  kind: "crl";
  issuerNameDer: Buffer;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** Revoked serials (trimmed INTEGER content, hex) with time and reason. */
  revoked: Map<string, { revokedAt: Date; reason?: string }>;
  tbs: Buffer;
  signatureAlgorithm: DerNode;
  signature: Buffer;
}

/**
 * Decodes a DER OCSPResponse (RFC 6960): a successful response carrying a BasicOCSPResponse.
 *
 * @throws Error when the bytes are not one.
 */
export function parseOcspResponse(der: Uint8Array): ParsedOcsp {
  const root = parseDerExact(der);
  const status = readEnumerated(childAt(root, 0));
  if (status !== 0) throw new Error(`the OCSP response status is ${status}, not successful`);
  const bytes = childAt(childAt(root, 1), 0, UniversalTag.sequence);
  if (readOid(childAt(bytes, 0)) !== OID_OCSP_BASIC) throw new Error("not a BasicOCSPResponse");
  const basic = parseDerExact(contentOf(childAt(bytes, 1, UniversalTag.octetString)));
  const tbsNode = childAt(basic, 0, UniversalTag.sequence);
  let i = isContext(tbsNode.children[0], 0) ? 1 : 0;
  i++; // responderID: the signature decides who the responder is
  const producedAt = readTime(childAt(tbsNode, i++, UniversalTag.generalizedTime));
  const responses = childAt(tbsNode, i, UniversalTag.sequence).children.map((single): SingleResponse => {
    const certId = readCertId(childAt(single, 0, UniversalTag.sequence));
    const statusNode = childAt(single, 1);
    const thisUpdate = readTime(childAt(single, 2, UniversalTag.generalizedTime));
    const next = single.children.slice(3).find((c) => isContext(c, 0));
    const nextUpdate = next?.children[0] ? readTime(next.children[0]) : undefined;
    const base = { certId, thisUpdate, ...(nextUpdate ? { nextUpdate } : {}) };
    if (isContext(statusNode, 0)) return { ...base, status: "good" };
    if (isContext(statusNode, 1)) {
      // [1] IMPLICIT RevokedInfo: its children are revocationTime and the optional [0] reason
      const info = statusNode.children.length > 0 ? statusNode : parseDer(contentOf(statusNode));
      const revokedAt = readTime(childAt(info, 0));
      const reasonNode = info.children[1]?.children[0];
      const reason = reasonNode ? REASONS[readEnumerated(reasonNode)] : undefined;
      return { ...base, status: "revoked", revokedAt, ...(reason ? { reason } : {}) };
    }
    return { ...base, status: "unknown" };
  });
  const certsNode = basic.children.find((c) => isContext(c, 0));
  return {
    kind: "ocsp",
    producedAt,
    responses,
    tbs: Buffer.from(encodingOf(tbsNode)),
    signatureAlgorithm: childAt(basic, 1, UniversalTag.sequence),
    signature: Buffer.from(contentOf(childAt(basic, 2, UniversalTag.bitString)).subarray(1)),
    certificates: (certsNode?.children[0]?.children ?? []).map((c) => Buffer.from(encodingOf(c))),
  };
}

/**
 * Decodes a DER X.509 v2 CRL (RFC 5280 §5).
 *
 * @throws Error when the bytes are not one.
 */
export function parseCrl(der: Uint8Array): ParsedCrl {
  const root = parseDerExact(der);
  const tbsNode = childAt(root, 0, UniversalTag.sequence);
  let i = isUniversal(tbsNode.children[0], UniversalTag.integer) ? 1 : 0;
  i++; // signature AlgorithmIdentifier (repeated outside)
  const issuer = childAt(tbsNode, i++, UniversalTag.sequence);
  const thisUpdate = readTime(childAt(tbsNode, i++));
  let nextUpdate: Date | undefined;
  const maybeNext = tbsNode.children[i];
  if (isUniversal(maybeNext, UniversalTag.utcTime) || isUniversal(maybeNext, UniversalTag.generalizedTime)) {
    nextUpdate = readTime(maybeNext);
    i++;
  }
  const revoked = new Map<string, { revokedAt: Date; reason?: string }>();
  const list = tbsNode.children[i];
  if (isUniversal(list, UniversalTag.sequence)) {
    for (const entry of list.children) {
      const serial = readIntegerHex(childAt(entry, 0, UniversalTag.integer));
      const revokedAt = readTime(childAt(entry, 1));
      let reason: string | undefined;
      for (const ext of entry.children[2]?.children ?? []) {
        if (readOid(childAt(ext, 0)) !== OID_CRL_REASON) continue;
        const value = ext.children[ext.children.length - 1]!;
        reason = REASONS[readEnumerated(parseDerExact(contentOf(value)))];
      }
      revoked.set(serial, { revokedAt, ...(reason ? { reason } : {}) });
    }
  }
  return {
    kind: "crl",
    issuerNameDer: Buffer.from(encodingOf(issuer)),
    thisUpdate,
    ...(nextUpdate ? { nextUpdate } : {}),
    revoked,
    tbs: Buffer.from(encodingOf(tbsNode)),
    signatureAlgorithm: childAt(root, 1, UniversalTag.sequence),
    signature: Buffer.from(contentOf(childAt(root, 2, UniversalTag.bitString)).subarray(1)),
  };
}

/** An ENUMERATED (universal tag 10) as a small number. */
function readEnumerated(node: DerNode | undefined): number {
  if (!node || node.tagClass !== 0 || node.tag !== 10) throw new Error("expected ENUMERATED");
  const bytes = contentOf(node);
  if (bytes.length === 0 || bytes.length > 2) throw new Error("malformed ENUMERATED");
  return bytes.length === 1 ? bytes[0]! : bytes[0]! * 256 + bytes[1]!;
}

function signedBy(tbs: Buffer, algorithm: DerNode, signature: Buffer, certificate: Uint8Array): boolean {
  let oid: string;
  try {
    oid = readOid(childAt(algorithm, 0));
  } catch {
    return false;
  }
  const parameters = algorithm.children[1];
  const check = checkSignatureValue({
    certificate,
    signatureAlgorithmOid: oid,
    ...(parameters && !isUniversal(parameters, UniversalTag.null) ? { signatureAlgorithmParameters: parameters } : {}),
    digestAlgorithmOid: "",
    data: tbs,
    signature,
  });
  return check.valid;
}

/** The issuer itself, or a delegated responder it issued with id-kp-OCSPSigning (RFC 6960 §4.2.2.2), valid at producedAt. */
function responderCandidates(ocsp: ParsedOcsp, issuer: CertificateSummary, pool: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [issuer.der];
  let issuerKey;
  try {
    issuerKey = new X509Certificate(issuer.der).publicKey;
  } catch {
    return out;
  }
  for (const der of [...ocsp.certificates, ...pool]) {
    try {
      const c = readCertificate(der);
      if (!c.issuerNameDer.equals(issuer.subjectNameDer) || !c.extendedKeyUsage?.includes(OID_OCSP_SIGNING)) continue;
      if (ocsp.producedAt < c.notBefore || ocsp.producedAt > c.notAfter) continue;
      if (new X509Certificate(c.der).verify(issuerKey)) out.push(c.der);
    } catch {
      // not a certificate we can use
    }
  }
  return out;
}

/**
 * What a decoded OCSP response says about `certificate` (issued by `issuer`): undefined when it
 * does not speak about it (no SingleResponse whose CertID names the issuer's name and key hashes
 * and the serial). Throws nothing; `ignored` explains an answer that names the certificate but
 * is not signed by the issuer or a responder the issuer authorised.
 */
export function ocspEvidence(ocsp: ParsedOcsp, certificate: CertificateSummary, issuer: CertificateSummary, pool: Uint8Array[]): RevocationEvidence | { ignored: string } | undefined {
  const single = ocsp.responses.find((r) => {
    try {
      return r.certId.serialNumber === certificate.serialNumber && certIdMatchesIssuer(r.certId, issuer.der);
    } catch {
      return false;
    }
  });
  if (!single) return undefined;
  const responder = responderCandidates(ocsp, issuer, pool).find((c) => signedBy(ocsp.tbs, ocsp.signatureAlgorithm, ocsp.signature, c));
  if (!responder) return { ignored: "its signature does not verify with the issuer's key or an OCSP responder certificate the issuer issued" };
  return {
    source: "dss-ocsp",
    status: single.status,
    ...(single.revokedAt ? { revokedAt: single.revokedAt } : {}),
    ...(single.reason ? { reason: single.reason } : {}),
    thisUpdate: single.thisUpdate,
    ...(single.nextUpdate ? { nextUpdate: single.nextUpdate } : {}),
    producedAt: ocsp.producedAt,
  };
}

/**
 * What a decoded CRL says about `certificate`: undefined when the CRL's issuer is not the
 * certificate's issuer; `ignored` when it names the issuer but its signature does not verify
 * with the issuer's key.
 */
export function crlEvidence(crl: ParsedCrl, certificate: CertificateSummary, issuer: CertificateSummary): RevocationEvidence | { ignored: string } | undefined {
  if (!crl.issuerNameDer.equals(issuer.subjectNameDer) || !certificate.issuerNameDer.equals(issuer.subjectNameDer)) return undefined;
  if (!signedBy(crl.tbs, crl.signatureAlgorithm, crl.signature, issuer.der)) return { ignored: "its signature does not verify with the issuer's key" };
  const entry = crl.revoked.get(certificate.serialNumber);
  return {
    source: "dss-crl",
    status: entry ? "revoked" : "good",
    ...(entry ? { revokedAt: entry.revokedAt } : {}),
    ...(entry?.reason ? { reason: entry.reason } : {}),
    thisUpdate: crl.thisUpdate,
    ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate } : {}),
  };
}
