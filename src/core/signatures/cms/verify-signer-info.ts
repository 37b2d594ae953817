import { createHash } from "node:crypto";
import { UniversalTag, contentOf, isUniversal, readOid, readTime, type DerNode } from "../pki/der-reader";
import { readCertificate, type CertificateSummary } from "../pki/read-certificate";
import { Oid, attributeName, hashAlgorithmOf, type HashAlgorithm } from "./oids";
import type { ParsedSignedData, ParsedSignerInfo, SignerIdentifier } from "./parse-signed-data";
import { checkSignatureValue } from "./signature-check";
import { checkSigningCertificate, trimInteger, type SigningCertificateCheck } from "./signing-certificate-check";
import type { ProblemList } from "./verification-types";

/** What was signed: the content in chunks, or only its digest. */
export interface SignedContent {
  /** The signed bytes, in order (e.g. the two PDF byte ranges as subarrays). */
  chunks?: readonly Uint8Array[];
  /** A precomputed digest and its algorithm. */
  digest?: { algorithm: HashAlgorithm; value: Buffer };
}

/** The findings of checking one SignerInfo. */
export interface SignerInfoResult {
  signer?: CertificateSummary;
  signatureValid: boolean;
  messageDigestMatches: boolean;
  digestAlgorithm?: HashAlgorithm;
  signatureAlgorithm: string;
  signingCertificate: SigningCertificateCheck;
  /** Names of the signed attributes present. */
  signedAttributeNames: string[];
  /** The signing-time attribute value, when present. */
  signingTime?: Date;
}

/**
 * Checks one SignerInfo: finds its certificate, compares message-digest with the
 * content, verifies the signature over the signed attributes (or over the content when
 * there are none) and checks the ESS signing-certificate binding. Adds problems to
 * `problems`; never throws.
 */
export function verifySignerInfo(sd: ParsedSignedData, si: ParsedSignerInfo, content: SignedContent, problems: ProblemList, extraCertificates: Uint8Array[] = []): SignerInfoResult {
  const digestAlgorithm = hashAlgorithmOf(si.digestAlgorithmOid);
  const out: SignerInfoResult = {
    signatureValid: false,
    messageDigestMatches: false,
    signatureAlgorithm: si.signatureAlgorithmOid,
    signingCertificate: { binding: "absent", detail: "" },
    signedAttributeNames: (si.signedAttributes ?? []).map((a) => attributeName(a.oid)),
    ...(digestAlgorithm ? { digestAlgorithm } : {}),
  };
  if (!digestAlgorithm) problems.error("UNSUPPORTED_DIGEST_ALGORITHM", `digest algorithm ${si.digestAlgorithmOid} is not supported`);
  const signer = findSignerCertificate(si.sid, [...sd.certificates, ...extraCertificates]);
  if (!signer) {
    problems.error("SIGNER_CERTIFICATE_MISSING", "the signer's certificate is not in the CMS");
    return out;
  }
  out.signer = signer;
  const contentDigest = digestAlgorithm ? digestOf(content, digestAlgorithm) : undefined;
  if (si.signedAttributes && si.signedAttributesDer) {
    const md = si.signedAttributes.find((a) => a.oid === Oid.messageDigest)?.values[0];
    const ct = si.signedAttributes.find((a) => a.oid === Oid.contentType)?.values[0];
    if (!md || !isUniversal(md, UniversalTag.octetString)) problems.error("MESSAGE_DIGEST_MISSING", "the message-digest signed attribute is missing");
    else if (!contentDigest) problems.error("CONTENT_UNAVAILABLE", "the signed content (or its digest with the right algorithm) was not provided");
    else if (contentOf(md).equals(contentDigest)) out.messageDigestMatches = true;
    else problems.error("MESSAGE_DIGEST_MISMATCH", "the document bytes do not match the message-digest in the signature: the signed content was changed");
    if (!ct) problems.error("CONTENT_TYPE_MISSING", "the content-type signed attribute is missing");
    else if (safeOid(ct) !== sd.contentType) problems.error("CONTENT_TYPE_MISMATCH", "the content-type signed attribute differs from eContentType");
    const st = si.signedAttributes.find((a) => a.oid === Oid.signingTime)?.values[0];
    if (st) {
      try {
        out.signingTime = readTime(st);
      } catch {
        problems.warning("SIGNING_TIME_MALFORMED", "the signing-time attribute cannot be read");
      }
    }
    const check = checkSignatureValue({
      certificate: signer.der,
      signatureAlgorithmOid: si.signatureAlgorithmOid,
      ...(si.signatureAlgorithmParameters ? { signatureAlgorithmParameters: si.signatureAlgorithmParameters } : {}),
      digestAlgorithmOid: si.digestAlgorithmOid,
      data: si.signedAttributesDer,
      signature: si.signature,
    });
    out.signatureAlgorithm = check.algorithm;
    out.signatureValid = check.valid;
    if (!check.valid) problems.error(check.unsupported ? "UNSUPPORTED_SIGNATURE_ALGORITHM" : "SIGNATURE_INVALID", `signature value: ${check.reason}`);
  } else if (content.chunks) {
    const check = checkSignatureValue({
      certificate: signer.der,
      signatureAlgorithmOid: si.signatureAlgorithmOid,
      ...(si.signatureAlgorithmParameters ? { signatureAlgorithmParameters: si.signatureAlgorithmParameters } : {}),
      digestAlgorithmOid: si.digestAlgorithmOid,
      data: content.chunks,
      signature: si.signature,
    });
    out.signatureAlgorithm = check.algorithm;
    out.signatureValid = check.valid;
    out.messageDigestMatches = check.valid;
    if (!check.valid) problems.error(check.unsupported ? "UNSUPPORTED_SIGNATURE_ALGORITHM" : "SIGNATURE_INVALID", `signature over the content: ${check.reason}`);
  } else {
    problems.error("CONTENT_UNAVAILABLE", "the signature has no signed attributes, so the signed bytes themselves are needed to verify it");
  }
  out.signingCertificate = checkSigningCertificate(si.signedAttributes, signer);
  return out;
}

function digestOf(content: SignedContent, algorithm: HashAlgorithm): Buffer | undefined {
  if (content.chunks) {
    const h = createHash(algorithm);
    for (const c of content.chunks) h.update(c);
    return h.digest();
  }
  if (content.digest && content.digest.algorithm === algorithm) return content.digest.value;
  return undefined;
}

/** Finds the certificate a SignerIdentifier names among `candidates`. */
export function findSignerCertificate(sid: SignerIdentifier, candidates: Uint8Array[]): CertificateSummary | undefined {
  for (const der of candidates) {
    let c: CertificateSummary;
    try {
      c = readCertificate(der);
    } catch {
      continue;
    }
    if (sid.kind === "issuerAndSerial") {
      if (c.issuerNameDer.equals(sid.issuerNameDer) && trimInteger(c.serialBytes).equals(trimInteger(sid.serialBytes))) return c;
    } else if (c.subjectKeyIdentifier?.equals(sid.keyIdentifier)) {
      return c;
    }
  }
  return undefined;
}

function safeOid(node: DerNode): string | undefined {
  try {
    return readOid(node);
  } catch {
    return undefined;
  }
}
