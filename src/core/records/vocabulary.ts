/**
 * The words of records management (4.3.2.2, GB/T 18894) as Custos uses them: retention triggers,
 * dispositions, link kinds, external document types, case kinds, with their Chinese and English
 * labels. Services, API schemas and pages all take them from here.
 */

type Labels<K extends string> = Record<K, { zh: string; en: string }>;

export const RETENTION_UNITS = ["months", "years", "permanent"] as const;
export type RetentionUnit = (typeof RETENTION_UNITS)[number];

/** What starts a record's retention period. */
export const RETENTION_TRIGGERS = ["creation", "document-superseded", "employment-end", "contract-end", "case-closed", "record-date"] as const;
export type RetentionTrigger = (typeof RETENTION_TRIGGERS)[number];

/** Triggers that are events happening to something the record is linked to. */
export const EVENT_TRIGGERS = ["document-superseded", "employment-end", "contract-end", "case-closed"] as const;
export type EventTrigger = (typeof EVENT_TRIGGERS)[number];

export const triggerLabels: Labels<RetentionTrigger> = {
  creation: { zh: "归档（形成）之日", en: "Declaration" },
  "document-superseded": { zh: "文件被替代之日", en: "Document superseded" },
  "employment-end": { zh: "劳动关系终止之日", en: "Employment end" },
  "contract-end": { zh: "合同终止之日", en: "Contract end" },
  "case-closed": { zh: "案件结案之日", en: "Case closed" },
  "record-date": { zh: "文件日期", en: "Date on the record" },
};

/** Which link kind carries the subject of an event trigger. */
export const triggerLinkKind: Record<EventTrigger, LinkKind> = {
  "document-superseded": "document",
  "employment-end": "user",
  "contract-end": "contract",
  "case-closed": "case",
};

export const DISPOSITIONS = ["destroy", "review", "transfer", "permanent"] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export const dispositionLabels: Labels<Disposition> = {
  destroy: { zh: "到期销毁", en: "Destroy" },
  review: { zh: "到期鉴定", en: "Review" },
  transfer: { zh: "到期移交", en: "Transfer" },
  permanent: { zh: "永久保存", en: "Keep permanently" },
};

export const unitLabels: Labels<RetentionUnit> = {
  months: { zh: "个月", en: "months" },
  years: { zh: "年", en: "years" },
  permanent: { zh: "永久", en: "permanent" },
};

/** The kinds of link a record can carry are registered by the areas that own the targets (see link-kinds.ts). */
type LinkKind = string;

export const RECORD_STATUSES = ["active", "destroyed", "transferred"] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

export const recordStatusLabels: Labels<RecordStatus> = {
  active: { zh: "保管中", en: "Kept" },
  destroyed: { zh: "已销毁", en: "Destroyed" },
  transferred: { zh: "已移交", en: "Transferred" },
};

export const EXTERNAL_DOCUMENT_TYPES = ["administrative-decision", "court-judgment", "lawyer-letter", "other"] as const;
export type ExternalDocumentType = (typeof EXTERNAL_DOCUMENT_TYPES)[number];

/** How a record came in (its `sourceKind`), as people read it. */
export const sourceKindLabels: Record<string, { zh: string; en: string }> = {
  upload: { zh: "上传登记", en: "Uploaded" },
  paper: { zh: "纸质原件登记", en: "Paper original" },
  "external-document": { zh: "外来文件", en: "External document" },
  "signature-request": { zh: "电子签署完成", en: "Signed in Custos" },
  "document-revision": { zh: "受控文件版本发布", en: "Document revision released" },
  contract: { zh: "合同签署", en: "Signed contract" },
  "contract-review": { zh: "合同知识产权审查", en: "Contract IP review" },
  import: { zh: "批量导入", en: "Imported" },
  disposal: { zh: "处置（销毁记录）", en: "Disposal (destruction record)" },
};

export const externalTypeLabels: Labels<ExternalDocumentType> = {
  "administrative-decision": { zh: "行政决定", en: "Administrative decision" },
  "court-judgment": { zh: "司法判决", en: "Court judgment" },
  "lawyer-letter": { zh: "律师函", en: "Lawyer letter" },
  other: { zh: "其他", en: "Other" },
};

export const ARRIVAL_METHODS = ["post", "courier", "in-person", "email", "fax", "e-service", "other"] as const;
export type ArrivalMethod = (typeof ARRIVAL_METHODS)[number];

export const arrivalLabels: Labels<ArrivalMethod> = {
  post: { zh: "邮寄", en: "Post" },
  courier: { zh: "快递", en: "Courier" },
  "in-person": { zh: "当面送达", en: "In person" },
  email: { zh: "电子邮件", en: "Email" },
  fax: { zh: "传真", en: "Fax" },
  "e-service": { zh: "电子送达", en: "Electronic service" },
  other: { zh: "其他", en: "Other" },
};

export const CASE_KINDS = ["litigation", "administrative", "arbitration", "mediation", "negotiation"] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export const caseKindLabels: Labels<CaseKind> = {
  litigation: { zh: "司法诉讼", en: "Litigation" },
  administrative: { zh: "行政处理", en: "Administrative" },
  arbitration: { zh: "仲裁", en: "Arbitration" },
  mediation: { zh: "调解", en: "Mediation" },
  negotiation: { zh: "谈判", en: "Negotiation" },
};

export const natureLabels = {
  authenticity: { zh: "真实性", en: "Authenticity" },
  integrity: { zh: "完整性", en: "Integrity" },
  usability: { zh: "可用性", en: "Usability" },
  security: { zh: "安全性", en: "Security" },
} as const;

/**
 * Built-in classes Custos's own flows declare into (seeded by migration; their codes are fixed
 * and they cannot be deleted).
 */
export const BUILT_IN_CLASS = {
  administrativeDecision: "rcl_4_3_2_2_01",
  courtJudgment: "rcl_4_3_2_2_02",
  lawyerLetter: "rcl_4_3_2_2_03",
  otherExternal: "rcl_4_3_2_2_04",
  disposalRecords: "rcl_4_3_2_2_05",
  signedContracts: "rcl_4_3_3_01",
  contractReviews: "rcl_4_3_3_02",
  caseRecords: "rcl_10_2_01",
  documentReleases: "rcl_4_3_2_1_01",
} as const;

/** The default class of an external document of each type. */
export const externalTypeClass: Record<ExternalDocumentType, string> = {
  "administrative-decision": BUILT_IN_CLASS.administrativeDecision,
  "court-judgment": BUILT_IN_CLASS.courtJudgment,
  "lawyer-letter": BUILT_IN_CLASS.lawyerLetter,
  other: BUILT_IN_CLASS.otherExternal,
};

/** Roles that see every record within their clearance (a grant-bound auditor sees what the grant covers; others what is linked to them). */
export const RECORD_READ_ROLES = ["admin", "top-manager", "ip-manager", "ip-staff", "legal"] as const;
/** Roles that declare records and correct their metadata. */
export const RECORD_WRITE_ROLES = ["admin", "ip-manager", "ip-staff", "legal"] as const;
/** Roles that file external documents and keep case files. */
export const LEGAL_ROLES = ["legal", "ip-manager"] as const;
/** Roles that see legal holds and disposals. */
export const HOLD_READ_ROLES = ["admin", "top-manager", "ip-manager", "legal", "auditor"] as const;
