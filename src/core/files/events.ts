import { z } from "zod";
import { auditEvent, Changes, readEvent } from "../audit/events";

export const fileUploaded = auditEvent("file.uploaded", "file", { zh: "上传文件", en: "File uploaded" }, z.strictObject({ after: Changes }));
export const fileDownloaded = readEvent("file.downloaded", "file", { zh: "下载文件", en: "File downloaded" }, z.strictObject({}));
export const blobIntegrityFailed = auditEvent(
  "blob.integrity_failed",
  "blob",
  { zh: "文件完整性异常", en: "Stored bytes failed their hash" },
  z.strictObject({ problem: z.string(), actualSha256: z.string().nullish() }),
);

/** Stored files: their audit events. */
export const fileEvents = [fileUploaded, fileDownloaded, blobIntegrityFailed];
