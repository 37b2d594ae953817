import { createHash } from "node:crypto";
import {
  UniversalTag,
  childAt,
  contentOf,
  isContext,
  isUniversal,
  parseDerExact,
  readIntegerHex,
  readOid,
  readTime,
} from "../pki/der-reader";
import { parseName } from "../pki/distinguished-name";
import { validateChain } from "./certificate-chain";
import { HASH_LENGTH, Oid, hashAlgorithmOf, type HashAlgorithm } from "./oids";
import { parseSignedData } from "./parse-signed-data";
import { verifySignerInfo } from "./verify-signer-info";
import { ProblemList, toCertificateInfo, type CertificateInfo, type ChainReport, type SigningCertificateBinding, type VerificationProblem } from "./verification-types";

/** The fields of a TSTInfo. */
export interface TstInfo {
  policyOid: string;
  hashAlgorithm: HashAlgorithm;
  messageImprint: Buffer;
  /** Serial number, hex. */
  serialNumber: string;
  genTime: Date;
  /** Nonce, hex, when present. */
  nonce?: string;
  /** The tsa GeneralName, when it is a directory name. */
  tsaName?: string;
}

/** What {@link verifyTimestampToken} found. */
export interface TimestampReport {
  /** True when there are no error-severity problems. */
  ok: boolean;
  problems: VerificationProblem[];
  /** The token's own signature verifies. */
  signatureValid: boolean;
  /** messageImprint equals the hash of the time-stamped data (the signature value). */
  messageImprintMatches: boolean;
  /** The decoded TSTInfo, when readable. */
  info?: TstInfo;
  genTime?: Date;
  /** The TSA's certificate. */
  tsa?: CertificateInfo;
  /** Path from the TSA certificate to a trust anchor. */
  chain: ChainReport;
  /** ESS signing-certificate(-v2) in the token against the TSA certificate. */
  signingCertificate: SigningCertificateBinding;
}

/** Input for {@link verifyTimestampToken}. */
export interface VerifyTimestampTokenInput {
  /** DER of the TimeStampToken. */
  token: Uint8Array;
  /** The time-stamped bytes (for a signature timestamp: the signature value). */
  data?: Uint8Array;
  trustAnchors: Uint8Array[];
  /** Certificates that may hold the TSA certificate when the token omits it. */
  extraCertificates?: Uint8Array[];
}

/**
 * Verifies an RFC 3161 TimeStampToken: its CMS signature, message-digest over the
 * TSTInfo, the TSA certificate (timeStamping EKU, chain to a trust anchor, ESS binding)
 * and, when `data` is given, that messageImprint is the hash of `data`. Never throws.
 */
export function verifyTimestampToken(input: VerifyTimestampTokenInput): TimestampReport {
  const problems = new ProblemList();
  const report: TimestampReport = {
    ok: false,
    problems: problems.items,
    signatureValid: false,
    messageImprintMatches: false,
    chain: { status: "unknownIssuer", certificates: [], detail: "not checked" },
    signingCertificate: "absent",
  };
  let sd;
  try {
    sd = parseSignedData(input.token);
  } catch (error) {
    problems.error("TIMESTAMP_MALFORMED", `the timestamp token cannot be parsed: ${(error as Error).message}`);
    return report;
  }
  if (sd.contentType !== Oid.tstInfo || !sd.content) {
    problems.error("TIMESTAMP_MALFORMED", "the token does not encapsulate a TSTInfo");
    return report;
  }
  try {
    report.info = parseTstInfo(sd.content);
    report.genTime = report.info.genTime;
  } catch (error) {
    problems.error("TIMESTAMP_MALFORMED", `TSTInfo cannot be parsed: ${(error as Error).message}`);
    return report;
  }
  const si = sd.signerInfos[0];
  if (!si || sd.signerInfos.length !== 1) {
    problems.error("TIMESTAMP_MALFORMED", `the token has ${sd.signerInfos.length} signers, expected 1`);
    return report;
  }
  const result = verifySignerInfo(sd, si, { chunks: [sd.content] }, problems, input.extraCertificates);
  report.signatureValid = result.signatureValid && result.messageDigestMatches;
  report.signingCertificate = result.signingCertificate.binding;
  if (result.signingCertificate.binding === "mismatch") problems.error("TIMESTAMP_SIGNING_CERTIFICATE_MISMATCH", result.signingCertificate.detail);
  if (result.signingCertificate.binding === "absent") problems.warning("TIMESTAMP_SIGNING_CERTIFICATE_ABSENT", "the token does not bind its TSA certificate (ESS signing-certificate)");
  if (result.signer) {
    report.tsa = toCertificateInfo(result.signer);
    const eku = result.signer.extendedKeyUsage;
    if (!eku || !eku.includes("1.3.6.1.5.5.7.3.8")) problems.error("TSA_NOT_AUTHORISED", "the TSA certificate lacks the timeStamping extended key usage");
    else if (!result.signer.extendedKeyUsageCritical) problems.warning("TSA_EKU_NOT_CRITICAL", "the TSA's extended key usage is not marked critical (RFC 3161 §2.3)");
    report.chain = validateChain(result.signer.der, [...sd.certificates, ...(input.extraCertificates ?? [])], input.trustAnchors);
    if (report.chain.status !== "trusted") problems.error("TIMESTAMP_UNTRUSTED", `TSA certificate chain: ${report.chain.detail}`);
    const at = report.info.genTime;
    if (at < result.signer.notBefore || at > result.signer.notAfter) problems.error("TSA_CERTIFICATE_NOT_VALID", "genTime is outside the TSA certificate's validity");
  }
  if (input.data) {
    const expected = createHash(report.info.hashAlgorithm).update(input.data).digest();
    report.messageImprintMatches = expected.equals(report.info.messageImprint);
    if (!report.messageImprintMatches) problems.error("TIMESTAMP_IMPRINT_MISMATCH", "the timestamp was issued for other data than the signature value");
  }
  report.ok = !problems.hasErrors;
  return report;
}

/**
 * Decodes a DER TSTInfo.
 *
 * @throws {@link DerError} when malformed.
 */
export function parseTstInfo(der: Uint8Array): TstInfo {
  const root = parseDerExact(der);
  const policyOid = readOid(childAt(root, 1));
  const imprint = childAt(root, 2, UniversalTag.sequence);
  const algOid = readOid(childAt(childAt(imprint, 0, UniversalTag.sequence), 0));
  const hashAlgorithm = hashAlgorithmOf(algOid);
  if (!hashAlgorithm) throw new Error(`unsupported imprint algorithm ${algOid}`);
  const messageImprint = Buffer.from(contentOf(childAt(imprint, 1, UniversalTag.octetString)));
  if (messageImprint.length !== HASH_LENGTH[hashAlgorithm]) throw new Error("imprint length does not match its algorithm");
  const info: TstInfo = {
    policyOid,
    hashAlgorithm,
    messageImprint,
    serialNumber: readIntegerHex(childAt(root, 3, UniversalTag.integer)),
    genTime: readTime(childAt(root, 4, UniversalTag.generalizedTime)),
  };
  for (const node of root.children.slice(5)) {
    if (isUniversal(node, UniversalTag.integer)) info.nonce = readIntegerHex(node);
    else if (isContext(node, 0)) {
      const gn = node.children[0];
      if (isContext(gn, 4) && gn.children[0]) info.tsaName = parseName(gn.children[0]).text;
    }
  }
  return info;
}
