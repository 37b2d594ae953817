/**
 * ETSI EN 319 102-1 vocabulary: the main indication of a validation and the sub-indications
 * Custos reports, each explained in Chinese and English for people.
 */

/** The main status indication (EN 319 102-1 §5.1.3). */
export type Indication = "TOTAL-PASSED" | "TOTAL-FAILED" | "INDETERMINATE";

/** The sub-indications Custos gives (EN 319 102-1 Tables 5 and 6). */
export type SubIndication =
  | "FORMAT_FAILURE"
  | "HASH_FAILURE"
  | "SIG_CRYPTO_FAILURE"
  | "REVOKED"
  | "NOT_YET_VALID"
  | "NO_CERTIFICATE_CHAIN_FOUND"
  | "CERTIFICATE_CHAIN_GENERAL_FAILURE"
  | "NO_SIGNING_CERTIFICATE_FOUND"
  | "CHAIN_CONSTRAINTS_FAILURE"
  | "SIG_CONSTRAINTS_FAILURE"
  | "CRYPTO_CONSTRAINTS_FAILURE"
  | "REVOKED_NO_POE"
  | "OUT_OF_BOUNDS_NO_POE"
  | "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
  | "TRY_LATER";

/** Every sub-indication, for schemas. */
export const SUB_INDICATIONS = [
  "FORMAT_FAILURE",
  "HASH_FAILURE",
  "SIG_CRYPTO_FAILURE",
  "REVOKED",
  "NOT_YET_VALID",
  "NO_CERTIFICATE_CHAIN_FOUND",
  "CERTIFICATE_CHAIN_GENERAL_FAILURE",
  "NO_SIGNING_CERTIFICATE_FOUND",
  "CHAIN_CONSTRAINTS_FAILURE",
  "SIG_CONSTRAINTS_FAILURE",
  "CRYPTO_CONSTRAINTS_FAILURE",
  "REVOKED_NO_POE",
  "OUT_OF_BOUNDS_NO_POE",
  "CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
  "TRY_LATER",
] as const satisfies readonly SubIndication[];

/** The main indications in Chinese and English. */
export const INDICATION_TEXT: Record<Indication, { zh: string; en: string }> = {
  "TOTAL-PASSED": { zh: "通过", en: "passed" },
  "TOTAL-FAILED": { zh: "失败", en: "failed" },
  INDETERMINATE: { zh: "不确定", en: "indeterminate" },
};

/** What each sub-indication means, in words. */
export const SUB_INDICATION_TEXT: Record<SubIndication, { zh: string; en: string }> = {
  FORMAT_FAILURE: { zh: "格式错误：签名无法解析、字节范围异常，或签署后文件被做了不允许的改动", en: "format failure: the signature cannot be parsed, its byte range is malformed, or the file was changed after signing in a way that is not allowed" },
  HASH_FAILURE: { zh: "摘要不符：签署的内容在签署后被改动", en: "hash failure: the signed content was changed after signing" },
  SIG_CRYPTO_FAILURE: { zh: "签名值无效：签名不能用证书的公钥验证", en: "signature crypto failure: the signature value does not verify with the certificate's public key" },
  REVOKED: { zh: "证书已吊销，且有证据表明签名是在吊销之后才存在的", en: "revoked: the certificate was revoked and the proof of existence dates the signature after the revocation" },
  NOT_YET_VALID: { zh: "签名时证书尚未生效", en: "not yet valid: the certificate was not yet valid when the signature was made" },
  NO_CERTIFICATE_CHAIN_FOUND: { zh: "找不到到受信任根证书的证书链", en: "no certificate chain found: the certificate does not chain to a trusted root" },
  CERTIFICATE_CHAIN_GENERAL_FAILURE: { zh: "证书链断裂：链上某个证书的签名无法验证", en: "certificate chain general failure: a certificate of the chain does not verify with its issuer's key" },
  NO_SIGNING_CERTIFICATE_FOUND: { zh: "签名证书不明确：签名绑定的证书（signing-certificate-v2）与实际证书不符或缺失", en: "no signing certificate found: the certificate bound by the signature (signing-certificate-v2) is missing or is another one" },
  CHAIN_CONSTRAINTS_FAILURE: { zh: "证书用途不允许签名（密钥用途）", en: "chain constraints failure: the certificate's key usage does not allow this signature" },
  SIG_CONSTRAINTS_FAILURE: { zh: "签名附带的时间戳无效", en: "signature constraints failure: the signature's time stamp is not valid" },
  CRYPTO_CONSTRAINTS_FAILURE: { zh: "使用了不受支持的算法", en: "crypto constraints failure: the signature uses an algorithm that is not supported" },
  REVOKED_NO_POE: { zh: "证书已吊销，且没有证据证明签名在吊销之前已存在", en: "revoked, no proof of existence: the certificate was revoked and nothing proves the signature existed before the revocation" },
  OUT_OF_BOUNDS_NO_POE: { zh: "证书已过期，且没有证据证明签名在过期之前已存在", en: "out of bounds, no proof of existence: the certificate has expired and nothing proves the signature existed before it expired" },
  CRYPTO_CONSTRAINTS_FAILURE_NO_POE: { zh: "使用了已淘汰的弱算法，且没有证据证明签名在淘汰日期之前已存在", en: "crypto constraints failure, no proof of existence: a weak algorithm past its sunset date, and nothing proves the signature existed before that date" },
  TRY_LATER: { zh: "没有足够新的吊销信息，暂时无法确定证书是否已吊销", en: "try later: no revocation information recent enough to tell whether the certificate was revoked" },
};
