import { parseSignedData } from "./parse-signed-data";
import type { CadesVerificationReport } from "./verify-cades-signature";
import { verifyTimestampToken } from "./verify-timestamp-token";

/**
 * Verifies a PDF document timestamp (/SubFilter /ETSI.RFC3161): the token's signature, its TSA
 * chain to the trust anchors, and that its messageImprint is the hash of the bytes the /ByteRange
 * covers. Reported in the shape of a CAdES report (the TSA as the signer, the token as its
 * timestamp) so that every report and verdict treats it like a signature. Never throws.
 */
export function verifyDocumentTimestamp(input: { token: Uint8Array; signedContent: readonly Uint8Array[]; trustAnchors: Uint8Array[] }): CadesVerificationReport {
  const timestamp = verifyTimestampToken({ token: input.token, data: Buffer.concat(input.signedContent), trustAnchors: input.trustAnchors });
  let certificateCount = 0;
  try {
    certificateCount = parseSignedData(input.token).certificates.length;
  } catch {
    // reported by verifyTimestampToken as TIMESTAMP_MALFORMED
  }
  return {
    ok: timestamp.ok,
    problems: timestamp.problems.map((p) => (p.code === "TIMESTAMP_IMPRINT_MISMATCH" ? { ...p, message: "the document timestamp was issued for other bytes than the ones its /ByteRange covers" } : p)),
    parsed: timestamp.info !== undefined,
    signatureValid: timestamp.signatureValid,
    messageDigestMatches: timestamp.messageImprintMatches,
    ...(timestamp.info ? { digestAlgorithm: timestamp.info.hashAlgorithm } : {}),
    ...(timestamp.tsa ? { signer: timestamp.tsa } : {}),
    chain: timestamp.chain,
    signingCertificate: timestamp.signingCertificate,
    signedAttributes: { present: [], missing: [], signingTimePresent: false },
    timestamp,
    certificateCount,
  };
}
