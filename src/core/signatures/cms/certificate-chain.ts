import { X509Certificate } from "node:crypto";
import { readCertificate, type CertificateSummary } from "../pki/read-certificate";
import { toCertificateInfo, type ChainReport } from "./verification-types";

interface Candidate {
  summary: CertificateSummary;
  x509: X509Certificate;
  anchor: boolean;
}

const MAX_PATH = 8;

/**
 * Builds a certification path from `leaf` to one of `trustAnchors`, using `pool`
 * (certificates carried in the CMS) for intermediates. Signatures along the path are
 * checked with node:crypto; issuers must be CAs. Validity periods are not judged here.
 */
export function validateChain(leaf: Uint8Array, pool: Uint8Array[], trustAnchors: Uint8Array[]): ChainReport {
  const anchors = loadAll(trustAnchors, true);
  const others = loadAll(pool, false);
  const all = [...anchors, ...others];
  const first = load(leaf, false);
  if (!first) return { status: "broken", certificates: [], detail: "the certificate cannot be parsed" };
  const path: Candidate[] = [first];
  let current = first;
  for (let depth = 0; depth < MAX_PATH; depth++) {
    if (anchors.some((a) => a.summary.der.equals(current.summary.der))) return done("trusted", path, "");
    const issuers = all.filter((c) => c.summary.subjectNameDer.equals(current.summary.issuerNameDer));
    if (issuers.length === 0) {
      const selfSigned = current.summary.subjectNameDer.equals(current.summary.issuerNameDer);
      return done("unknownIssuer", path, selfSigned ? `self-signed certificate "${current.summary.subject.text}" is not a trust anchor` : `issuer "${current.summary.issuer.text}" is not known`);
    }
    const ordered = [...issuers.filter((c) => c.anchor), ...issuers.filter((c) => !c.anchor)];
    const issuer = ordered.find((c) => safeVerify(current.x509, c));
    if (!issuer) return done("broken", path, `the signature on "${current.summary.subject.text}" does not verify with its issuer's key`);
    if (issuer.summary.der.equals(current.summary.der)) {
      return done("unknownIssuer", path, `self-signed certificate "${current.summary.subject.text}" is not a trust anchor`);
    }
    if (!issuer.summary.isCa && !issuer.anchor) return done("broken", path, `issuer "${issuer.summary.subject.text}" is not a CA`);
    path.push(issuer);
    if (issuer.anchor) return done("trusted", path, "");
    current = issuer;
  }
  return done("unknownIssuer", path, "certification path too long");
}

function done(status: ChainReport["status"], path: Candidate[], detail: string): ChainReport {
  return { status, certificates: path.map((c) => toCertificateInfo(c.summary)), detail };
}

function safeVerify(subject: X509Certificate, issuer: Candidate): boolean {
  try {
    return subject.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

/** Parsed certificates by their DER (certificates are values: the same bytes always parse the same). */
const parsed = new Map<string, { summary: CertificateSummary; x509: X509Certificate } | null>();
const PARSED_MAX = 512;

function load(der: Uint8Array, anchor: boolean): Candidate | undefined {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");
  let entry = parsed.get(key);
  if (entry === undefined) {
    try {
      entry = { summary: readCertificate(der), x509: new X509Certificate(Buffer.from(der)) };
    } catch {
      entry = null;
    }
    if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, entry);
  }
  return entry ? { ...entry, anchor } : undefined;
}

function loadAll(list: Uint8Array[], anchor: boolean): Candidate[] {
  return list.map((d) => load(d, anchor)).filter((c): c is Candidate => c !== undefined);
}
