import { validateChain } from "./certificate-chain";
import { Oid, attributeName } from "./oids";
import { parseSignedData, type ParsedSignedData } from "./parse-signed-data";
import { verifySignerInfo, type SignedContent } from "./verify-signer-info";
import { verifyTimestampToken, type TimestampReport } from "./verify-timestamp-token";
import { encodingOf } from "../pki/der-reader";
import {
  ProblemList,
  toCertificateInfo,
  type CertificateInfo,
  type ChainReport,
  type SigningCertificateBinding,
  type VerificationProblem,
} from "./verification-types";

/** Input for {@link verifyCadesSignature}: the CMS, what it signed, whom to trust. */
export interface VerifyCadesSignatureInput {
  /** DER (or BER) of the ContentInfo; trailing zero padding from a PDF placeholder is allowed. */
  cms: Uint8Array;
  /** The signed bytes, as one buffer or in chunks (e.g. the two byte ranges, as subarrays). */
  signedContent?: Uint8Array | readonly Uint8Array[];
  /** SHA-256 of the signed bytes, when the bytes themselves are not at hand. */
  signedContentDigest?: Buffer;
  /** DER certificates of the roots to trust (for signer and TSA). */
  trustAnchors: Uint8Array[];
  /** Time at which certificate validity is judged; default: the trusted timestamp's genTime, else `now`. */
  at?: Date;
  /** The current time (default: the clock's). */
  now?: Date;
}

/** The signed attributes found, for PAdES baseline conformance. */
export interface SignedAttributesReport {
  /** Names of the attributes present (content-type, message-digest, signing-certificate-v2, …). */
  present: string[];
  /** PAdES B-B attributes that are missing. */
  missing: string[];
  /** PAdES forbids signing-time in CMS (the time is in /M or a timestamp). */
  signingTimePresent: boolean;
  signingTime?: Date;
}

/**
 * The result of {@link verifyCadesSignature}. `ok` is true when no problem has severity
 * `error`; `problems` says what is wrong (stable codes such as MALFORMED_CMS,
 * SIGNATURE_INVALID, MESSAGE_DIGEST_MISMATCH, CHAIN_UNTRUSTED, CHAIN_BROKEN,
 * SIGNING_CERTIFICATE_MISMATCH, SIGNING_TIME_PRESENT, TIMESTAMP_INVALID).
 */
export interface CadesVerificationReport {
  ok: boolean;
  problems: VerificationProblem[];
  /** The CMS could be parsed as SignedData. */
  parsed: boolean;
  /** The signature value verifies with the signer certificate's key. */
  signatureValid: boolean;
  /** The message-digest attribute equals the digest of the signed content. */
  messageDigestMatches: boolean;
  digestAlgorithm?: string;
  signatureAlgorithm?: string;
  signer?: CertificateInfo;
  chain: ChainReport;
  /** ESS signing-certificate-v2 (or v1) against the certificate that verifies the signature. */
  signingCertificate: SigningCertificateBinding;
  signedAttributes: SignedAttributesReport;
  /** The signature timestamp (PAdES B-T), when present. */
  timestamp?: TimestampReport;
  /** Number of certificates carried in the CMS. */
  certificateCount: number;
}

const PADES_REQUIRED = [Oid.contentType, Oid.messageDigest, Oid.signingCertificateV2];

/**
 * Verifies a detached CMS/CAdES signature against its content and trust anchors and
 * reports every finding. Never throws, whatever the input.
 */
export function verifyCadesSignature(input: VerifyCadesSignatureInput): CadesVerificationReport {
  const problems = new ProblemList();
  const report: CadesVerificationReport = {
    ok: false,
    problems: problems.items,
    parsed: false,
    signatureValid: false,
    messageDigestMatches: false,
    chain: { status: "unknownIssuer", certificates: [], detail: "not checked" },
    signingCertificate: "absent",
    signedAttributes: { present: [], missing: [], signingTimePresent: false },
    certificateCount: 0,
  };
  try {
    check(input, report, problems);
  } catch (error) {
    problems.error("INTERNAL_ERROR", `verification stopped: ${(error as Error).message}`);
  }
  report.ok = !problems.hasErrors;
  return report;
}

function check(input: VerifyCadesSignatureInput, report: CadesVerificationReport, problems: ProblemList): void {
  let sd: ParsedSignedData;
  try {
    sd = parseSignedData(input.cms);
  } catch (error) {
    problems.error("MALFORMED_CMS", `not a CMS SignedData: ${(error as Error).message}`);
    return;
  }
  report.parsed = true;
  report.certificateCount = sd.certificates.length;
  if (sd.content) problems.warning("NOT_DETACHED", "the CMS encapsulates its content; a PDF signature should be detached");
  const si = sd.signerInfos[0];
  if (!si) {
    problems.error("NO_SIGNER", "the SignedData has no SignerInfo");
    return;
  }
  if (sd.signerInfos.length > 1) problems.warning("MULTIPLE_SIGNERS", `the SignedData has ${sd.signerInfos.length} SignerInfos; only the first is checked`);
  const content: SignedContent = {};
  if (input.signedContent) content.chunks = isChunkList(input.signedContent) ? input.signedContent : [input.signedContent];
  else if (input.signedContentDigest) content.digest = { algorithm: "sha256", value: input.signedContentDigest };

  const result = verifySignerInfo(sd, si, content, problems);
  report.signatureValid = result.signatureValid;
  report.messageDigestMatches = result.messageDigestMatches;
  report.signatureAlgorithm = result.signatureAlgorithm;
  if (result.digestAlgorithm) report.digestAlgorithm = result.digestAlgorithm;
  report.signingCertificate = result.signingCertificate.binding;

  const present = si.signedAttributes?.map((a) => a.oid) ?? [];
  report.signedAttributes = {
    present: present.map(attributeName),
    missing: PADES_REQUIRED.filter((o) => !present.includes(o)).map(attributeName),
    signingTimePresent: present.includes(Oid.signingTime),
    ...(result.signingTime ? { signingTime: result.signingTime } : {}),
  };
  if (!si.signedAttributes) problems.warning("SIGNED_ATTRIBUTES_ABSENT", "the signature has no signed attributes (not CAdES/PAdES conformant)");
  else if (report.signedAttributes.missing.length > 0) problems.warning("SIGNED_ATTRIBUTES_MISSING", `missing signed attributes for PAdES: ${report.signedAttributes.missing.join(", ")}`);
  if (report.signedAttributes.signingTimePresent) problems.warning("SIGNING_TIME_PRESENT", "the signing-time attribute is present; PAdES baseline forbids it");
  if (result.signingCertificate.binding === "mismatch") problems.error("SIGNING_CERTIFICATE_MISMATCH", `${result.signingCertificate.attribute}: ${result.signingCertificate.detail}`);
  else if (result.signingCertificate.binding === "absent" && si.signedAttributes) problems.warning("SIGNING_CERTIFICATE_ABSENT", "no signing-certificate-v2 attribute binds the signer's certificate");

  const tokenAttribute = si.unsignedAttributes.find((a) => a.oid === Oid.signatureTimeStampToken);
  const tokenNode = tokenAttribute?.values[0];
  if (tokenAttribute && !tokenNode) problems.error("TIMESTAMP_INVALID", "the signature-time-stamp attribute is empty");
  if (tokenNode) {
    report.timestamp = verifyTimestampToken({ token: encodingOf(tokenNode), data: si.signature, trustAnchors: input.trustAnchors, extraCertificates: sd.certificates });
    if (!report.timestamp.ok) {
      problems.error("TIMESTAMP_INVALID", `signature timestamp: ${report.timestamp.problems.filter((p) => p.severity === "error").map((p) => p.message).join("; ")}`);
    }
  }

  if (!result.signer) return;
  report.signer = toCertificateInfo(result.signer);
  report.chain = validateChain(result.signer.der, sd.certificates, input.trustAnchors);
  if (report.chain.status === "unknownIssuer") problems.error("CHAIN_UNTRUSTED", `signer certificate: ${report.chain.detail}`);
  if (report.chain.status === "broken") problems.error("CHAIN_BROKEN", `signer certificate: ${report.chain.detail}`);
  const at = input.at ?? (report.timestamp?.ok ? report.timestamp.genTime : undefined) ?? input.now ?? new Date();
  if (at < result.signer.notBefore) problems.error("CERTIFICATE_NOT_YET_VALID", `the signer certificate is not valid before ${result.signer.notBefore.toISOString()}`);
  if (at > result.signer.notAfter) problems.error("CERTIFICATE_EXPIRED", `the signer certificate expired at ${result.signer.notAfter.toISOString()}`);
  const ku = result.signer.keyUsage;
  if (ku && !ku.includes("digitalSignature") && !ku.includes("nonRepudiation")) {
    problems.error("KEY_USAGE_NOT_SIGNING", "the signer certificate's key usage does not allow signatures");
  }
}

function isChunkList(value: Uint8Array | readonly Uint8Array[]): value is readonly Uint8Array[] {
  return Array.isArray(value);
}
