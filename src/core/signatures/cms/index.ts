/**
 * CMS for PAdES: building CAdES detached SignedData (B-B, B-T), an RFC 3161 time-stamp
 * authority and client, and a verifier that reports instead of throwing.
 */
export { buildCadesSignedData, createRsaSigner, type BuildCadesSignedDataInput } from "./build-cades-signed-data";
export type { SignCallback } from "./signed-data-builder";
export {
  parseTimeStampReq,
  buildTimeStampReq,
  TimestampError,
  type TimeStampRequest,
  type BuildTimeStampReqInput,
  type TimestampFailure,
} from "./timestamp-request";
export { createTimeStampToken, type CreateTimeStampTokenInput } from "./timestamp-token";
export { buildTimeStampResp, parseTimeStampResp, type TimestampStatus, type TimestampStatusInfo, type TimeStampResponse } from "./timestamp-response";
export { requestTimestamp, TSA_TIMEOUT_MS, type FetchLike, type RequestTimestampOptions } from "./request-timestamp";
export { verifyTimestampToken, parseTstInfo, type TimestampReport, type TstInfo, type VerifyTimestampTokenInput } from "./verify-timestamp-token";
export {
  verifyCadesSignature,
  type VerifyCadesSignatureInput,
  type CadesVerificationReport,
  type SignedAttributesReport,
} from "./verify-cades-signature";
export type {
  VerificationProblem,
  ProblemSeverity,
  CertificateInfo,
  ChainReport,
  ChainStatus,
  SigningCertificateBinding,
} from "./verification-types";
export { parseSignedData, type ParsedSignedData, type ParsedSignerInfo } from "./parse-signed-data";
export type { HashAlgorithm } from "./oids";
