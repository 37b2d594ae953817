import { X509Certificate } from "node:crypto";
import { parseSignedData } from "../cms/parse-signed-data";
import type { CadesVerificationReport } from "../cms/verify-cades-signature";
import { findSignerCertificate } from "../cms/verify-signer-info";
import type { InspectedSignature } from "../pdf/inspect-pdf-signatures";
import { readCertificate, type CertificateSummary } from "../pki/read-certificate";
import { ALGORITHM_SUNSET, weakAlgorithmsOf } from "./crypto-constraints";
import { readDss, type DssData } from "./dss";
import { crlEvidence, ocspEvidence, parseCrl, parseOcspResponse, type ParsedCrl, type ParsedOcsp, type RevocationEvidence } from "./revocation-data";
import { SUB_INDICATION_TEXT, type Indication, type SubIndication } from "./vocabulary";

/** The server's own record of a certificate it issued (signer certificates, its TSA): the first source of revocation. */
export interface RevocationRecord {
  revokedAt: Date | null;
  revocationReason: string | null;
}

/** A sentence in Chinese and English. */
export interface Bilingual {
  zh: string;
  en: string;
}

/** Where the revocation status came from, and what it says. */
export interface RevocationFinding {
  source: "custos" | "dss-ocsp" | "dss-crl" | "none";
  status: "good" | "revoked" | "unknown";
  revokedAt: Date | null;
  reason: string | null;
  /** When the information was issued (OCSP/CRL thisUpdate; for the server's record: the validation time). */
  issuedAt: Date | null;
  /** Whether it is recent enough for the signature (issued at/after its best signature time). */
  fresh: boolean;
}

/** The ETSI EN 319 102-1 validation of one signature or document timestamp. */
export interface SignatureValidation {
  indication: Indication;
  subIndication: SubIndication | null;
  /** The verdict in words. */
  message: Bilingual;
  /** The proof of existence: the earliest trusted time the signature is proven to have existed at; null when none. */
  bestSignatureTime: Date | null;
  /** What gives that proof. */
  poe: "signature-timestamp" | "document-timestamp" | null;
  /** The time the validation was made at (the certificate is judged at bestSignatureTime, else at this time). */
  validationTime: Date;
  revocation: RevocationFinding;
  /** Further notes: revocation or expiry after the proof of existence, validation data that was ignored. */
  reasons: Bilingual[];
}

/** A signature after the cryptographic check, as the validation needs it. */
export type CheckedSignature = InspectedSignature & { cms?: CadesVerificationReport };

/** What every signature of one file is validated with: the DSS (parsed once), the trust anchors, the time, the server's records. */
export interface ValidationContext {
  now: Date;
  trustAnchors: Uint8Array[];
  records: ReadonlyMap<string, RevocationRecord> | undefined;
  dss: DssData;
  ocsps: ParsedOcsp[];
  crls: ParsedCrl[];
  /** Findings about the DSS as a whole (entries that are not OCSP responses or CRLs). */
  notes: string[];
}

/**
 * Reads and decodes the final revision's DSS once for all signatures; entries that are not
 * OCSP responses or CRLs are left out with a note. Never throws.
 */
export function createValidationContext(bytes: Uint8Array, options: { now: Date; trustAnchors: Uint8Array[]; records?: ReadonlyMap<string, RevocationRecord> }): ValidationContext {
  const dss = readDss(bytes);
  const notes = [...dss.notes];
  const ocsps: ParsedOcsp[] = [];
  const crls: ParsedCrl[] = [];
  dss.ocsps.forEach((der, i) => {
    try {
      ocsps.push(parseOcspResponse(der));
    } catch (error) {
      notes.push(`/DSS /OCSPs entry ${i + 1} is not a usable OCSP response (${(error as Error).message}); ignored`);
    }
  });
  dss.crls.forEach((der, i) => {
    try {
      crls.push(parseCrl(der));
    } catch (error) {
      notes.push(`/DSS /CRLs entry ${i + 1} is not a CRL (${(error as Error).message}); ignored`);
    }
  });
  return { now: options.now, trustAnchors: options.trustAnchors, records: options.records, dss, ocsps, crls, notes };
}

const iso = (d: Date): string => d.toISOString();

/**
 * Validates one signature (or document timestamp) in the vocabulary of ETSI EN 319 102-1:
 * format, hash and signature value, certificate chain, then the certificate judged at the best
 * signature time (the earliest proof of existence: its own trusted signature timestamp, or a
 * valid document timestamp of a later revision, given in `laterProofs`), its revocation status
 * (the server's record, else the DSS), and the algorithms' sunset dates. Never throws.
 */
export function validateSignature(s: CheckedSignature, laterProofs: Date[], ctx: ValidationContext): SignatureValidation {
  const reasons: Bilingual[] = [];
  const none: RevocationFinding = { source: "none", status: "unknown", revokedAt: null, reason: null, issuedAt: null, fresh: false };
  const base = { bestSignatureTime: null as Date | null, poe: null as SignatureValidation["poe"], validationTime: ctx.now, revocation: none, reasons };
  const verdict = (indication: Indication, subIndication: SubIndication | null, zh: string, en: string, extra: Partial<SignatureValidation> = {}): SignatureValidation => ({
    ...base,
    ...extra,
    indication,
    subIndication,
    message: { zh, en },
  });
  const explained = (indication: Indication, sub: SubIndication, detailZh?: string, detailEn?: string, extra: Partial<SignatureValidation> = {}) =>
    verdict(indication, sub, detailZh ? `${SUB_INDICATION_TEXT[sub].zh}：${detailZh}` : SUB_INDICATION_TEXT[sub].zh, detailEn ? `${SUB_INDICATION_TEXT[sub].en}: ${detailEn}` : SUB_INDICATION_TEXT[sub].en, extra);
  try {
    const isTimestamp = s.type === "documentTimestamp" || s.subFilter === "ETSI.RFC3161";
    const cms = s.cms;
    if (!s.contents || !cms) return explained("TOTAL-FAILED", "FORMAT_FAILURE", "签名字典中没有签名数据（/Contents）", "the signature dictionary holds no signature data (/Contents)");
    const errors = new Map(cms.problems.filter((p) => p.severity === "error").map((p) => [p.code, p.message]));
    const has = (...codes: string[]) => codes.find((c) => errors.has(c));
    if (!cms.parsed || has("MALFORMED_CMS", "TIMESTAMP_MALFORMED", "NO_SIGNER")) {
      const why = errors.get(has("MALFORMED_CMS", "TIMESTAMP_MALFORMED", "NO_SIGNER") ?? "") ?? "the CMS cannot be parsed";
      return explained("TOTAL-FAILED", "FORMAT_FAILURE", `签名数据无法解析（${why}）`, `the signature data cannot be parsed (${why})`);
    }
    if (!s.coverage.wellFormed) {
      const anomalies = s.coverage.anomalies.map((a) => a.code).join(", ");
      return explained("TOTAL-FAILED", "FORMAT_FAILURE", `字节范围异常（${anomalies}）`, `the byte range is malformed (${anomalies})`);
    }
    if (has("MESSAGE_DIGEST_MISMATCH", "TIMESTAMP_IMPRINT_MISMATCH") || (isTimestamp && cms.timestamp?.info && !cms.messageDigestMatches)) {
      return explained("TOTAL-FAILED", "HASH_FAILURE");
    }
    if (has("SIGNER_CERTIFICATE_MISSING")) return explained("INDETERMINATE", "NO_SIGNING_CERTIFICATE_FOUND", "签名数据中没有签名者的证书", "the signer's certificate is not in the signature data");
    const unsupported = has("UNSUPPORTED_DIGEST_ALGORITHM", "UNSUPPORTED_SIGNATURE_ALGORITHM");
    if (unsupported) {
      const weak = weakAlgorithmsOf({ digestAlgorithm: errors.get(unsupported) });
      if (weak.length > 0) return explained("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE", errors.get(unsupported), errors.get(unsupported));
      return explained("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE", errors.get(unsupported), errors.get(unsupported));
    }
    if (has("SIGNATURE_INVALID") || !cms.signatureValid) return explained("TOTAL-FAILED", "SIG_CRYPTO_FAILURE");
    const structural = has("MESSAGE_DIGEST_MISSING", "CONTENT_TYPE_MISSING", "CONTENT_TYPE_MISMATCH", "CONTENT_UNAVAILABLE", "INTERNAL_ERROR");
    if (structural) return explained("TOTAL-FAILED", "FORMAT_FAILURE", errors.get(structural), errors.get(structural));
    if (s.changesAfter.modifications.length > 0) {
      const list = s.changesAfter.modifications.map((m) => `${m.code}${m.objectNumber !== undefined ? ` object ${m.objectNumber}` : ""}${m.usedFor ? ` (${m.usedFor})` : ""}`).join("; ");
      return explained("TOTAL-FAILED", "FORMAT_FAILURE", `签署后有不允许的改动：${list}`, `changed after signing, not allowed: ${list}`);
    }
    if (has("SIGNING_CERTIFICATE_MISMATCH", "TIMESTAMP_SIGNING_CERTIFICATE_MISMATCH")) return explained("INDETERMINATE", "NO_SIGNING_CERTIFICATE_FOUND");
    if (cms.chain.status === "unknownIssuer") return explained("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND", cms.chain.detail, cms.chain.detail);
    if (cms.chain.status === "broken") return explained("INDETERMINATE", "CERTIFICATE_CHAIN_GENERAL_FAILURE", cms.chain.detail, cms.chain.detail);
    if (has("KEY_USAGE_NOT_SIGNING", "TSA_NOT_AUTHORISED")) return explained("INDETERMINATE", "CHAIN_CONSTRAINTS_FAILURE");
    if (!isTimestamp && has("TIMESTAMP_INVALID")) return explained("INDETERMINATE", "SIG_CONSTRAINTS_FAILURE", errors.get("TIMESTAMP_INVALID"), errors.get("TIMESTAMP_INVALID"));
    const found = signerCertificateOf(s.contents);
    if (!found) return explained("INDETERMINATE", "NO_SIGNING_CERTIFICATE_FOUND", "签名数据中没有签名者的证书", "the signer's certificate is not in the signature data");
    const signer = found.certificate;

    // proof of existence
    const own = !isTimestamp && cms.timestamp?.ok && cms.timestamp.genTime ? cms.timestamp.genTime : undefined;
    const proofs = [...(own ? [{ at: own, kind: "signature-timestamp" as const }] : []), ...laterProofs.map((at) => ({ at, kind: "document-timestamp" as const }))];
    const earliest = proofs.reduce<(typeof proofs)[number] | undefined>((a, b) => (!a || b.at < a.at ? b : a), undefined);
    base.bestSignatureTime = earliest?.at ?? null;
    base.poe = earliest?.kind ?? null;
    const at = earliest?.at ?? ctx.now;
    const atText = earliest ? `${iso(earliest.at)}（${earliest.kind === "signature-timestamp" ? "签名时间戳" : "文档时间戳"}）` : `${iso(ctx.now)}（验证时间，无存在证明）`;
    const atTextEn = earliest ? `${iso(earliest.at)} (${earliest.kind === "signature-timestamp" ? "signature timestamp" : "document timestamp"})` : `${iso(ctx.now)} (validation time, no proof of existence)`;
    const genTime = isTimestamp ? cms.timestamp?.genTime : undefined;

    if (genTime && genTime < signer.notBefore) return explained("TOTAL-FAILED", "NOT_YET_VALID", `时间戳的时间 ${iso(genTime)} 早于时间戳服务证书生效时间 ${iso(signer.notBefore)}`, `the timestamp's time ${iso(genTime)} is before its TSA certificate's notBefore ${iso(signer.notBefore)}`);
    if (at < signer.notBefore) return explained("TOTAL-FAILED", "NOT_YET_VALID", `证书 ${iso(signer.notBefore)} 起生效，签名时间 ${atText}`, `the certificate is valid from ${iso(signer.notBefore)}, the signature time is ${atTextEn}`);

    const issuer = issuerOf(signer, [...found.pool, ...ctx.dss.certificates], ctx.trustAnchors);
    const revocation = revocationOf(signer, issuer, cms.chain.status === "trusted", ctx, isTimestamp && genTime ? { timestampAt: genTime } : { signatureAt: at }, reasons);
    base.revocation = revocation;
    const sourceText = revocation.source === "custos" ? "Custos server record" : revocation.source === "dss-ocsp" ? "OCSP response in the DSS" : "CRL in the DSS";
    const sourceZh = revocation.source === "custos" ? "Custos 服务器记录" : revocation.source === "dss-ocsp" ? "DSS 中的 OCSP 响应" : "DSS 中的 CRL";
    if (revocation.status === "revoked" && revocation.revokedAt) {
      const r = revocation.revokedAt;
      if (earliest && earliest.at >= r) {
        return explained("TOTAL-FAILED", "REVOKED", `证书于 ${iso(r)} 吊销（${sourceZh}），存在证明 ${atText} 晚于吊销`, `the certificate was revoked on ${iso(r)} (${sourceText}); the proof of existence ${atTextEn} is after the revocation`);
      }
      if (!earliest && ctx.now >= r) {
        return explained("INDETERMINATE", "REVOKED_NO_POE", `证书于 ${iso(r)} 吊销（${sourceZh}），没有早于吊销的存在证明`, `the certificate was revoked on ${iso(r)} (${sourceText}) and no proof of existence predates it`);
      }
      if (earliest) reasons.push({ zh: `证书于 ${iso(r)} 吊销，晚于 ${atText} 的存在证明，签名仍然有效`, en: `revoked on ${iso(r)}, after the proof of existence at ${atTextEn}; the signature stays valid` });
    }
    if (at > signer.notAfter) return explained("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE", `证书已于 ${iso(signer.notAfter)} 过期，没有早于该时间的存在证明（${atText}）`, `the certificate expired on ${iso(signer.notAfter)} and no proof of existence predates it (${atTextEn})`);
    if (genTime && genTime > signer.notAfter) return explained("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE", `时间戳签发于时间戳服务证书过期（${iso(signer.notAfter)}）之后`, `the timestamp was issued after its TSA certificate expired (${iso(signer.notAfter)})`);
    if (ctx.now > signer.notAfter) reasons.push({ zh: `证书已于 ${iso(signer.notAfter)} 过期，晚于 ${atText} 的存在证明`, en: `the certificate expired on ${iso(signer.notAfter)}, after the proof of existence at ${atTextEn}` });
    for (const weak of weakAlgorithmsOf({ digestAlgorithm: cms.digestAlgorithm, signatureAlgorithm: cms.signatureAlgorithm, certificate: signer.der })) {
      const sunset = ALGORITHM_SUNSET[weak]!;
      if (at >= sunset.date) {
        return explained("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE", `${sunset.what} 自 ${iso(sunset.date)} 起不再可靠，存在证明 ${atText} 不早于该日期`, `${sunset.what} is not reliable since ${iso(sunset.date)} and the proof of existence ${atTextEn} does not predate it`);
      }
      reasons.push({ zh: `使用 ${sunset.what}，但存在证明早于其淘汰日期 ${iso(sunset.date)}`, en: `uses ${sunset.what}, with a proof of existence before its sunset date ${iso(sunset.date)}` });
    }
    if (revocation.source === "none") return explained("INDETERMINATE", "TRY_LATER", "服务器记录和 DSS 中都没有该证书的吊销信息", "neither the server's record nor the DSS holds revocation information for the certificate");
    if (revocation.status === "unknown") return explained("INDETERMINATE", "TRY_LATER", `${sourceZh}表示证书状态未知`, `the ${sourceText} says the certificate's status is unknown`);
    if (revocation.status === "good" && !revocation.fresh) {
      return explained("INDETERMINATE", "TRY_LATER", `${sourceZh}签发于 ${iso(revocation.issuedAt!)}，早于签名时间 ${atText}`, `the ${sourceText} was issued at ${iso(revocation.issuedAt!)}, before the signature time ${atTextEn}`);
    }
    const passZh = `签名有效；证书在 ${atText} 有效，吊销状态来自${sourceZh}`;
    const passEn = `the signature is valid; the certificate was valid at ${atTextEn}, revocation status from the ${sourceText}`;
    return verdict("TOTAL-PASSED", null, passZh, passEn);
  } catch (error) {
    return explained("TOTAL-FAILED", "FORMAT_FAILURE", `验证中断：${(error as Error).message}`, `the validation stopped: ${(error as Error).message}`);
  }
}

/** The signer's certificate of a CMS (or time-stamp token) and the certificates it carries. */
function signerCertificateOf(contents: Uint8Array): { certificate: CertificateSummary; pool: Buffer[] } | undefined {
  try {
    const sd = parseSignedData(contents);
    const si = sd.signerInfos[0];
    const certificate = si ? findSignerCertificate(si.sid, sd.certificates) : undefined;
    return certificate ? { certificate, pool: sd.certificates } : undefined;
  } catch {
    return undefined;
  }
}

/** The certificate that issued `certificate` (its name, and its key verifies the certificate), among `pool` and the anchors. */
function issuerOf(certificate: CertificateSummary, pool: Uint8Array[], anchors: Uint8Array[]): CertificateSummary | undefined {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certificate.der);
  } catch {
    return undefined;
  }
  for (const der of [...anchors, ...pool]) {
    try {
      const c = readCertificate(der);
      if (!c.subjectNameDer.equals(certificate.issuerNameDer)) continue;
      if (x509.verify(new X509Certificate(c.der).publicKey)) return c;
    } catch {
      // not a certificate
    }
  }
  return undefined;
}

/**
 * The revocation status of `certificate`: the server's record (when the chain is trusted and the
 * server issued it), else the DSS's OCSP responses and CRLs that verify with the issuer's key,
 * else none. A "good" answer is fresh for a signature when issued at/after its signature time
 * (to the second, the precision of OCSP and CRL times);
 * for a timestamp when issued at/after its time or current at it (thisUpdate ≤ time ≤ nextUpdate),
 * as the DSS of a document timestamp is written just before it. A "revoked" answer holds whenever issued.
 */
function revocationOf(
  certificate: CertificateSummary,
  issuer: CertificateSummary | undefined,
  trusted: boolean,
  ctx: ValidationContext,
  time: { signatureAt: Date } | { timestampAt: Date },
  reasons: Bilingual[],
): RevocationFinding {
  const record = trusted ? ctx.records?.get(certificate.serialNumber) : undefined;
  if (record) {
    return {
      source: "custos",
      status: record.revokedAt ? "revoked" : "good",
      revokedAt: record.revokedAt,
      reason: record.revocationReason,
      issuedAt: ctx.now,
      fresh: true,
    };
  }
  const none: RevocationFinding = { source: "none", status: "unknown", revokedAt: null, reason: null, issuedAt: null, fresh: false };
  if (!issuer) return none;
  const evidence: RevocationEvidence[] = [];
  const consider = (result: RevocationEvidence | { ignored: string } | undefined, what: string) => {
    if (!result) return;
    if ("ignored" in result) reasons.push({ zh: `忽略了 DSS 中关于该证书的${what}：其签名不能用签发者的密钥验证`, en: `ignored the ${what} in the DSS about this certificate: ${result.ignored}` });
    else evidence.push(result);
  };
  ctx.ocsps.forEach((o, i) => consider(ocspEvidence(o, certificate, issuer, ctx.dss.certificates), `OCSP response ${i + 1}`));
  ctx.crls.forEach((c, i) => consider(crlEvidence(c, certificate, issuer), `CRL ${i + 1}`));
  if (evidence.length === 0) return none;
  const finding = (e: RevocationEvidence, fresh: boolean): RevocationFinding => ({
    source: e.source,
    status: e.status,
    revokedAt: e.revokedAt ?? null,
    reason: e.reason ?? null,
    issuedAt: e.thisUpdate,
    fresh,
  });
  const revoked = evidence.filter((e) => e.status === "revoked" && e.revokedAt).sort((a, b) => a.revokedAt!.getTime() - b.revokedAt!.getTime());
  if (revoked[0]) return finding(revoked[0], true);
  // OCSP and CRL times are whole seconds: an answer of the same second as the signature counts as issued after it
  const second = (d: Date) => Math.floor(d.getTime() / 1000) * 1000;
  const isFresh = (e: RevocationEvidence) =>
    "signatureAt" in time
      ? e.thisUpdate.getTime() >= second(time.signatureAt)
      : e.thisUpdate.getTime() >= second(time.timestampAt) || (e.thisUpdate <= time.timestampAt && (!e.nextUpdate || time.timestampAt <= e.nextUpdate));
  // a fresh "good" OCSP answer before a fresh "good" CRL (the newest of each); else the newest answer, not fresh
  const byNewest = [...evidence].sort((a, b) => b.thisUpdate.getTime() - a.thisUpdate.getTime());
  const freshGood = byNewest.find((e) => e.source === "dss-ocsp" && e.status === "good" && isFresh(e)) ?? byNewest.find((e) => e.status === "good" && isFresh(e));
  if (freshGood) return finding(freshGood, true);
  const stale = byNewest.filter((e) => e.status === "good");
  if (stale[0]) reasons.push({ zh: `DSS 中的吊销信息签发于 ${iso(stale[0].thisUpdate)}，不够新，不计入`, en: `the revocation data in the DSS was issued at ${iso(stale[0].thisUpdate)}, not recent enough to count` });
  return finding(byNewest[0]!, false);
}
