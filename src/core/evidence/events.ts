import { z } from "zod";
import { auditEvent, readEvent, Changes } from "../audit/events";

/** What an auditor reads under a grant: every search and every opened item is on the record. */
const Read = z.record(z.string(), z.unknown());
const grantRead = (action: string, zh: string, en: string) => readEvent(action, "audit_grant", { zh, en }, Read);

export const recordSearched = grantRead("record.searched", "审核员检索记录", "Auditor searched records");
export const recordOpened = grantRead("record.opened", "审核员查看记录", "Auditor opened a record");
export const documentSearched = grantRead("document.searched", "审核员检索文件", "Auditor searched documents");
export const documentOpened = grantRead("document.opened", "审核员查看文件", "Auditor opened a document");
export const contractSearched = grantRead("contract.searched", "审核员检索合同", "Auditor searched contracts");
export const contractOpened = grantRead("contract.opened", "审核员查看合同", "Auditor opened a contract");
export const evidenceSearched = grantRead("evidence.searched", "审核员检索证据", "Auditor searched evidence");
export const evidenceRetrieved = grantRead("evidence.retrieved", "审核员调取证据", "Auditor retrieved evidence");
export const evidenceMatrixViewed = grantRead("evidence.matrix_viewed", "审核员查看证据矩阵", "Auditor viewed the evidence matrix");

const EVIDENCE_OBJECTS = ["document", "record", "contract", "signature_request"] as const;
export const evidenceOpened = readEvent(
  "evidence.opened",
  EVIDENCE_OBJECTS,
  { zh: "查看证据", en: "Evidence opened" },
  z.strictObject({ kind: z.string(), id: z.string() }),
);
export const evidenceFileDownloaded = readEvent(
  "evidence.file_downloaded",
  EVIDENCE_OBJECTS,
  { zh: "下载证据文件", en: "Evidence file downloaded" },
  z.strictObject({ kind: z.string(), id: z.string(), sha256: z.string(), role: z.string() }),
);

export const auditGrantCreated = auditEvent("audit_grant.created", "audit_grant", { zh: "授予审核权限", en: "Audit grant given" }, z.strictObject({ after: Changes }));
export const auditGrantRevoked = auditEvent("audit_grant.revoked", "audit_grant", { zh: "收回审核权限", en: "Audit grant revoked" }, z.strictObject({ reason: z.string() }));

/** The evidence area's audit events (reads under a grant, opened items, grants). */
export const evidenceEvents = [
  recordSearched,
  recordOpened,
  documentSearched,
  documentOpened,
  contractSearched,
  contractOpened,
  evidenceSearched,
  evidenceRetrieved,
  evidenceMatrixViewed,
  evidenceOpened,
  evidenceFileDownloaded,
  auditGrantCreated,
  auditGrantRevoked,
];
