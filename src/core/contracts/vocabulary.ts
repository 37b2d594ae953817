/**
 * The contract register's words (4.3.3): contract types, the status flow, the IP terms every
 * contract records, and the IP review checklist suited to each type.
 */

type Labels<K extends string> = Record<K, { zh: string; en: string }>;

export const CONTRACT_TYPES = [
  "joint-development",
  "commissioned-development",
  "licence-in",
  "licence-out",
  "ip-transfer",
  "merger-acquisition",
  "employment",
  "confidentiality",
  "service-agency",
  "alliance",
  "other",
] as const;
export type ContractType = (typeof CONTRACT_TYPES)[number];

export const contractTypeLabels: Labels<ContractType> = {
  "joint-development": { zh: "合作开发", en: "Joint development" },
  "commissioned-development": { zh: "委托开发", en: "Commissioned development" },
  "licence-in": { zh: "许可引进", en: "Licence in" },
  "licence-out": { zh: "许可实施（对外许可）", en: "Licence out" },
  "ip-transfer": { zh: "知识产权转让", en: "IP transfer" },
  "merger-acquisition": { zh: "并购", en: "Merger / acquisition" },
  employment: { zh: "劳动合同", en: "Employment" },
  confidentiality: { zh: "保密协议", en: "Confidentiality" },
  "service-agency": { zh: "服务/代理外包", en: "Service agency outsourcing" },
  alliance: { zh: "产业联盟", en: "Alliance" },
  other: { zh: "其他", en: "Other" },
};

export const CONTRACT_STATUSES = ["draft", "ip-review", "approved", "signed", "in-force", "expired", "terminated"] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

export const contractStatusLabels: Labels<ContractStatus> = {
  draft: { zh: "草拟", en: "Draft" },
  "ip-review": { zh: "知识产权审查中", en: "In IP review" },
  approved: { zh: "审查通过", en: "Approved" },
  signed: { zh: "已签署", en: "Signed" },
  "in-force": { zh: "履行中", en: "In force" },
  expired: { zh: "已到期", en: "Expired" },
  terminated: { zh: "已终止", en: "Terminated" },
};

/** The IP terms recorded for every contract. */
export const IP_TERMS = ["ownership", "confidentiality", "licenceScope", "warranties", "publication"] as const;
export type IpTerm = (typeof IP_TERMS)[number];

export const ipTermLabels: Labels<IpTerm> = {
  ownership: { zh: "成果归属", en: "Ownership of results" },
  confidentiality: { zh: "保密义务", en: "Confidentiality duties" },
  licenceScope: { zh: "许可范围", en: "Licence scope" },
  warranties: { zh: "不侵权担保", en: "Warranties against infringement" },
  publication: { zh: "成果发表规则（与高校等）", en: "Publication rules (with universities)" },
};

export const CHECKLIST_ITEMS = ["ownership", "background-ip", "confidentiality", "scope", "warranties", "non-compete", "publication", "export-control"] as const;
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number];

export const checklistLabels: Labels<ChecklistItem> = {
  ownership: { zh: "知识产权及成果归属明确", en: "Ownership of IP and results is clear" },
  "background-ip": { zh: "背景知识产权的界定与使用", en: "Background IP defined and its use agreed" },
  confidentiality: { zh: "保密义务及期限", en: "Confidentiality duties and their term" },
  scope: { zh: "许可/使用范围（地域、期限、方式、是否独占、可否分许可）", en: "Licence or use scope (territory, term, field, exclusivity, sublicensing)" },
  warranties: { zh: "不侵权担保与责任", en: "Warranties against infringement and liability" },
  "non-compete": { zh: "竞业限制", en: "Non-compete" },
  publication: { zh: "论文发表与公开审批", en: "Publication and disclosure approval" },
  "export-control": { zh: "出口管制与向外国申请专利保密审查", en: "Export control and security review for foreign filing" },
};

/** The checklist items an IP review must answer for each contract type. */
export const checklistForType: Record<ContractType, ChecklistItem[]> = {
  "joint-development": ["ownership", "background-ip", "confidentiality", "warranties", "publication", "export-control"],
  "commissioned-development": ["ownership", "confidentiality", "warranties", "publication", "export-control"],
  "licence-in": ["scope", "warranties", "confidentiality", "export-control"],
  "licence-out": ["scope", "ownership", "confidentiality", "warranties", "export-control"],
  "ip-transfer": ["ownership", "warranties", "confidentiality", "export-control"],
  "merger-acquisition": ["ownership", "warranties", "confidentiality"],
  employment: ["ownership", "confidentiality", "non-compete"],
  confidentiality: ["confidentiality", "scope"],
  "service-agency": ["ownership", "confidentiality", "warranties"],
  alliance: ["ownership", "background-ip", "confidentiality", "scope"],
  other: ["ownership", "confidentiality"],
};

export const REVIEW_RESULTS = ["ok", "issue", "not-applicable"] as const;
export const reviewResultLabels: Labels<(typeof REVIEW_RESULTS)[number]> = {
  ok: { zh: "符合", en: "OK" },
  issue: { zh: "有问题", en: "Issue" },
  "not-applicable": { zh: "不适用", en: "Not applicable" },
};

export const REVIEW_DECISIONS = ["approve", "approve-with-conditions", "reject"] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];
export const reviewDecisionLabels: Labels<ReviewDecision> = {
  approve: { zh: "同意签订", en: "Approve" },
  "approve-with-conditions": { zh: "有条件同意", en: "Approve with conditions" },
  reject: { zh: "不同意，退回修改", en: "Reject (back to draft)" },
};

/** Who keeps the register (create, edit, send for signing). */
export const CONTRACT_WRITE_ROLES = ["legal", "ip-manager", "ip-staff"] as const;
/** Who may do an IP review. */
export const REVIEWER_ROLES = ["legal", "ip-manager"] as const;
/** Who sees every contract within their clearance (owners always see their own). */
/** The clause the register evidences. */
export const CONTRACT_CLAUSE = "4.3.3";

/** Roles that read the whole register within their clearance (auditors read it through their grant). */
export const CONTRACT_READ_ROLES = ["admin", "top-manager", "ip-manager", "ip-staff", "legal"] as const;
