import { z } from "zod";
import { auditEvent, readEvent } from "../audit/events";

const nullable = z.string().nullable();
const Refusal = z.strictObject({ code: z.string(), message: z.string() });

export const signatureRequestCreated = auditEvent(
  "signature_request.created",
  "signature_request",
  { zh: "发起签署请求", en: "Signature request created" },
  z.strictObject({
    title: z.string(),
    source: z.object({ kind: z.string(), id: nullable, templateId: nullable, templateRevision: nullable }),
    originalSha256: z.string(),
    signers: z.array(z.object({ signerId: z.string(), userId: z.string(), meaning: z.string() })),
    dueAt: z.date().nullable(),
  }),
);
export const signatureRequestCompleted = auditEvent(
  "signature_request.completed",
  "signature_request",
  { zh: "全部签署完成", en: "Signature request completed" },
  z.strictObject({ finalSha256: z.string() }),
);
export const signatureRequestCancelled = auditEvent(
  "signature_request.cancelled",
  "signature_request",
  { zh: "撤回签署请求", en: "Signature request withdrawn" },
  z.strictObject({ reason: z.string() }),
);
export const signatureDocumentViewed = readEvent(
  "signature.document_viewed",
  "signature_request",
  // before the page-by-page read existed, opening the document was recorded as reading it (old rows)
  { zh: "打开待签文件", en: "Document opened before signing" },
  z.strictObject({ signerId: z.string(), sha256: z.string() }),
);
/** The reader's browser displayed every page of this exact version (the ceremony's reading step). */
export const signatureDocumentRead = auditEvent(
  "signature.document_read",
  "signature_request",
  { zh: "已逐页阅读待签文件", en: "Every page of the document displayed to the signer" },
  z.strictObject({ signerId: z.string(), sha256: z.string(), pages: z.number().int() }),
);
export const signatureSigned = auditEvent(
  "signature.signed",
  "signature_request",
  { zh: "电子签名", en: "Signed" },
  z.strictObject({
    signerId: z.string(),
    signatureId: z.string(),
    meaning: z.string(),
    certificateSerial: z.string(),
    sha256Before: z.string(),
    sha256After: z.string(),
  }),
);
export const signatureSignRefused = auditEvent("signature.sign_refused", "signature_request", { zh: "签名被拒", en: "Signing refused" }, Refusal);
export const signatureDeclined = auditEvent(
  "signature.declined",
  "signature_request",
  { zh: "拒绝签署", en: "Declined to sign" },
  z.strictObject({ signerId: z.string(), reason: z.string() }),
);
export const signatureDeclineRefused = auditEvent("signature.decline_refused", "signature_request", { zh: "拒签被拒", en: "Declining refused" }, Refusal);
export const signatureReminderSent = auditEvent(
  "signature.reminder_sent",
  "signature_request",
  { zh: "催签", en: "Reminder sent" },
  z.strictObject({ signerId: z.string(), userId: z.string(), dueAt: z.date().nullable(), reminder: z.number().int() }),
);
export const signatureLinkCreated = auditEvent(
  "signature.link_created",
  "signature_request",
  { zh: "生成签署链接", en: "Signing link created" },
  z.strictObject({ signerId: z.string(), linkId: z.string(), expiresAt: z.date() }),
);
export const signatureLinkOpened = readEvent(
  "signature.link_opened",
  "signature_request",
  { zh: "打开签署链接", en: "Signing link opened" },
  z.strictObject({ signerId: z.string(), linkId: z.string() }),
);
export const signatureLinkRefused = auditEvent(
  "signature.link_refused",
  "signature_request",
  { zh: "签署链接被拒", en: "Signing link refused" },
  z.strictObject({ reason: z.string(), code: z.string(), linkId: nullable, signerId: nullable }),
);
export const signatureVerified = auditEvent(
  "signature.verified",
  "blob",
  { zh: "验证签名", en: "Signatures verified" },
  z.record(z.string(), z.unknown()),
);
export const certificateIssued = auditEvent(
  "pki.certificate_issued",
  "user",
  { zh: "签发签名证书", en: "Signing certificate issued" },
  z.strictObject({ certificateSerial: z.string(), notAfter: z.date() }),
);
export const certificateRevoked = auditEvent(
  "pki.certificate_revoked",
  "user",
  { zh: "吊销签名证书", en: "Signing certificate revoked" },
  z.strictObject({ certificateSerial: z.string(), reason: z.string(), note: z.string().nullish() }),
);

export const signingPinSet = auditEvent(
  "pki.signing_pin_set",
  "user",
  { zh: "设置签名密码", en: "Signing PIN set" },
  z.strictObject({ changed: z.boolean(), certificateSerial: z.string().nullish() }),
);
export const signingPinReset = auditEvent(
  "pki.signing_pin_reset",
  "user",
  { zh: "重置签名密码", en: "Signing PIN reset" },
  z.strictObject({ revokedCertificates: z.array(z.string()) }),
);
export const tsaCertificateRenewed = auditEvent(
  "pki.tsa_certificate_renewed",
  "organisation",
  { zh: "时间戳证书更新", en: "TSA certificate renewed" },
  z.strictObject({ certificateSerial: z.string(), notAfter: z.date(), previousSerial: z.string(), previousNotAfter: z.date(), renewalDays: z.number().int() }),
  {
    fields: {
      notAfter: { zh: "有效期至", en: "Valid until" },
      previousSerial: { zh: "原证书序列号", en: "Previous certificate serial" },
      previousNotAfter: { zh: "原证书有效期至", en: "Previous certificate valid until" },
      renewalDays: { zh: "提前更新天数", en: "Renewal window (days)" },
    },
  },
);
export const archiveTimestampAdded = auditEvent(
  "signature.archive_timestamp_added",
  "signature_request",
  { zh: "归档时间戳续期", en: "Archive time stamp renewed" },
  z.strictObject({
    originalSha256: z.string(),
    sequence: z.number().int(),
    previousSha256: z.string(),
    sha256: z.string(),
    tsaSerial: z.string(),
    tsaNotAfter: z.date(),
    previousTsaSerial: z.string(),
    previousTsaNotAfter: z.date(),
    reason: z.enum(["tsa-expiring", "weak-algorithm"]),
  }),
  {
    fields: {
      sequence: { zh: "版本", en: "Version" },
      previousSha256: { zh: "上一版本哈希", en: "Previous version hash" },
      tsaSerial: { zh: "时间戳证书序列号", en: "TSA certificate serial" },
      tsaNotAfter: { zh: "时间戳证书有效期至", en: "TSA certificate valid until" },
      previousTsaSerial: { zh: "原时间戳证书序列号", en: "Previous TSA certificate serial" },
      previousTsaNotAfter: { zh: "原时间戳证书有效期至", en: "Previous TSA certificate valid until" },
    },
  },
);

/** The e-signature area's audit events. */
export const signatureEvents = [
  signatureRequestCreated,
  signatureRequestCompleted,
  signatureRequestCancelled,
  signatureDocumentViewed,
  signatureDocumentRead,
  signatureSigned,
  signatureSignRefused,
  signatureDeclined,
  signatureDeclineRefused,
  signatureReminderSent,
  signatureLinkCreated,
  signatureLinkOpened,
  signatureLinkRefused,
  signatureVerified,
  certificateIssued,
  certificateRevoked,
  signingPinSet,
  signingPinReset,
  tsaCertificateRenewed,
  archiveTimestampAdded,
];
