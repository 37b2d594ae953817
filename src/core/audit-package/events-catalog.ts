import { z } from "zod";
import { auditEvent, readEvent } from "../audit/events";

export const auditPackageRequested = auditEvent(
  "audit_package.requested",
  "audit_package",
  { zh: "申请审核包", en: "Audit package requested" },
  z.strictObject({ selection: z.unknown(), items: z.number().int(), grantId: z.string().nullable() }),
);
export const auditPackageExported = auditEvent(
  "audit_package.exported",
  "audit_package",
  { zh: "导出审核包", en: "Audit package exported" },
  z.strictObject({
    selection: z.unknown(),
    grantId: z.string().nullable(),
    items: z.number().int(),
    files: z.number().int(),
    bytes: z.number(),
    signedPdfs: z.number().int(),
    auditEvents: z.number().int(),
    classification: z.string().nullable(),
    packageSha256: z.string(),
    packageSize: z.number(),
    manifestSha256: z.string(),
    chainHead: z.object({ seq: z.number().int(), hash: z.string() }),
  }),
);
export const auditPackageFailed = auditEvent(
  "audit_package.failed",
  "audit_package",
  { zh: "审核包导出失败", en: "Audit package failed" },
  z.strictObject({ code: z.string(), message: z.string() }),
);
export const auditPackageDownloaded = readEvent(
  "audit_package.downloaded",
  "audit_package",
  { zh: "下载审核包", en: "Audit package downloaded" },
  z.strictObject({ packageSha256: z.string().nullable() }),
);

/** The audit package's events. */
export const auditPackageEvents = [auditPackageRequested, auditPackageExported, auditPackageFailed, auditPackageDownloaded];
