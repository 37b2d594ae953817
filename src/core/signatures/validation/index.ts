export { readDss, type DssData } from "./dss";
export { parseCrl, parseOcspResponse, ocspEvidence, crlEvidence, type RevocationEvidence } from "./revocation-data";
export { ALGORITHM_SUNSET, weakAlgorithmsOf } from "./crypto-constraints";
export {
  createValidationContext,
  validateSignature,
  type Bilingual,
  type CheckedSignature,
  type RevocationFinding,
  type RevocationRecord,
  type SignatureValidation,
  type ValidationContext,
} from "./validate-signature";
export { INDICATION_TEXT, SUB_INDICATION_TEXT, SUB_INDICATIONS, type Indication, type SubIndication } from "./vocabulary";
