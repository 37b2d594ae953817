import type { Locale } from "./i18n";

/**
 * Zod issues in words a person reads: "标题：最多 200 个字符" on a Chinese page, "Title: at most 200
 * characters" on an English one — the field's label, never the schema key, and never zod's own
 * "Too big: expected string to have <=200 characters". The API keeps its stable code and English
 * message unless the caller asks for Chinese (Accept-Language).
 */

/** The parts of a zod v4 issue the text is made from (a finished issue, as `error.issues` gives it). */
export interface IssueLike {
  code?: string;
  path: readonly PropertyKey[] | string;
  message: string;
  origin?: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
  inclusive?: boolean;
  exact?: boolean;
  expected?: string;
  format?: string;
  values?: readonly unknown[];
  keys?: readonly string[];
}

type Label = { zh: string; en: string };

/** Field labels by schema key (the last named part of an issue's path). */
export const FIELD_LABELS: Record<string, Label> = {
  title: { zh: "标题", en: "Title" },
  titleEn: { zh: "英文标题", en: "English title" },
  name: { zh: "名称", en: "Name" },
  nameEn: { zh: "英文名称", en: "English name" },
  displayName: { zh: "姓名", en: "Name" },
  username: { zh: "用户名", en: "Username" },
  password: { zh: "密码", en: "Password" },
  email: { zh: "电子邮箱", en: "Email" },
  roles: { zh: "角色", en: "Roles" },
  position: { zh: "岗位", en: "Job title" },
  clearance: { zh: "密级权限", en: "Clearance" },
  classification: { zh: "密级", en: "Classification" },
  defaultClassification: { zh: "默认密级", en: "Default classification" },
  departmentId: { zh: "部门", en: "Department" },
  ownerDepartmentId: { zh: "归口部门", en: "Owning department" },
  department: { zh: "部门", en: "Department" },
  parentId: { zh: "上级部门", en: "Parent" },
  ipDuties: { zh: "知识产权职责", en: "IP duties" },
  code: { zh: "代码", en: "Code" },
  locale: { zh: "界面语言", en: "Language" },
  reviewerIds: { zh: "审核人", en: "Reviewers" },
  approverId: { zh: "批准人", en: "Approver" },
  ownerId: { zh: "负责人", en: "Owner" },
  author: { zh: "作者", en: "Author" },
  category: { zh: "类别", en: "Category" },
  categoryId: { zh: "类别", en: "Category" },
  docType: { zh: "文件类型", en: "Document type" },
  changeSummary: { zh: "变更说明", en: "Change summary" },
  reason: { zh: "原因", en: "Reason" },
  comment: { zh: "意见", en: "Comment" },
  comments: { zh: "意见", en: "Comments" },
  note: { zh: "备注", en: "Note" },
  notes: { zh: "备注", en: "Notes" },
  description: { zh: "说明", en: "Description" },
  effectiveDate: { zh: "生效日期", en: "Effective date" },
  effectiveOn: { zh: "生效日期", en: "Effective on" },
  effectiveFrom: { zh: "生效起", en: "Effective from" },
  effectiveTo: { zh: "生效止", en: "Effective to" },
  reviewIntervalMonths: { zh: "复审周期（月）", en: "Review interval (months)" },
  defaultReviewMonths: { zh: "默认复审周期（月）", en: "Default review interval (months)" },
  numberPattern: { zh: "编号规则", en: "Number pattern" },
  number: { zh: "编号", en: "Number" },
  type: { zh: "类型", en: "Type" },
  kind: { zh: "种类", en: "Kind" },
  counterparties: { zh: "相对方", en: "Counterparties" },
  counterparty: { zh: "相对方", en: "Counterparty" },
  valueAmount: { zh: "金额", en: "Value" },
  currency: { zh: "币种", en: "Currency" },
  ipTerms: { zh: "知识产权条款", en: "IP terms" },
  ownership: { zh: "权属", en: "Ownership" },
  licenceScope: { zh: "许可范围", en: "Licence scope" },
  confidentiality: { zh: "保密条款", en: "Confidentiality" },
  warranties: { zh: "担保条款", en: "Warranties" },
  signedAt: { zh: "签署时间", en: "Signed at" },
  dueAt: { zh: "截止日期", en: "Due date" },
  signers: { zh: "签署人", en: "Signers" },
  meaning: { zh: "签署含义", en: "Meaning" },
  consent: { zh: "同意电子签署", en: "Consent to sign electronically" },
  declineReason: { zh: "拒签原因", en: "Reason for declining" },
  fileId: { zh: "文件", en: "File" },
  file: { zh: "文件", en: "File" },
  classId: { zh: "记录类别", en: "Record class" },
  recordIds: { zh: "记录", en: "Records" },
  recordDate: { zh: "记录日期", en: "Record date" },
  retentionAmount: { zh: "保管期限", en: "Retention period" },
  retentionUnit: { zh: "保管期限单位", en: "Retention unit" },
  trigger: { zh: "起算事件", en: "Trigger" },
  disposition: { zh: "到期处置方式", en: "Disposition" },
  paperRoom: { zh: "库房", en: "Room" },
  paperCabinet: { zh: "柜架", en: "Cabinet" },
  paperBox: { zh: "盒号", en: "Box" },
  issuer: { zh: "发文机关", en: "Issuer" },
  issuedOn: { zh: "发文日期", en: "Issued on" },
  referenceNumber: { zh: "文号", en: "Reference number" },
  receivedBy: { zh: "接收人", en: "Received by" },
  obtainedOn: { zh: "取得日期", en: "Obtained on" },
  arrivalMethod: { zh: "收到方式", en: "Arrival method" },
  arrivalDetail: { zh: "收到方式说明", en: "Arrival details" },
  source: { zh: "来源", en: "Source" },
  sourceKind: { zh: "来源类型", en: "Source kind" },
  keywords: { zh: "关键词", en: "Keywords" },
  caseId: { zh: "案件", en: "Case" },
  contractId: { zh: "合同", en: "Contract" },
  documentId: { zh: "文件", en: "Document" },
  openedOn: { zh: "立案日期", en: "Opened on" },
  forum: { zh: "受理机构", en: "Forum" },
  ourRole: { zh: "我方地位", en: "Our role" },
  matter: { zh: "案由", en: "Matter" },
  outcome: { zh: "结果", en: "Outcome" },
  scope: { zh: "范围", en: "Scope" },
  clauses: { zh: "条款", en: "Clauses" },
  clause: { zh: "条款", en: "Clause" },
  findings: { zh: "发现", en: "Findings" },
  endOn: { zh: "截止日期", en: "Ends on" },
  dateFrom: { zh: "起始日期", en: "From" },
  dateTo: { zh: "截止日期", en: "To" },
  q: { zh: "检索词", en: "Search" },
  query: { zh: "保全条件", en: "Conditions" },
  label: { zh: "名称", en: "Label" },
  values: { zh: "字段", en: "Fields" },
  decision: { zh: "决定", en: "Decision" },
  step: { zh: "顺序", en: "Step" },
  userId: { zh: "用户", en: "User" },
  linkedUserId: { zh: "关联用户", en: "Linked user" },
  contact: { zh: "联系方式", en: "Contact" },
  country: { zh: "国家或地区", en: "Country" },
  publication: { zh: "公开号", en: "Publication number" },
  templateId: { zh: "模板", en: "Template" },
  approveRoles: { zh: "批准角色", en: "Approving roles" },
  reviewRoles: { zh: "审核角色", en: "Reviewing roles" },
  draftRoles: { zh: "起草角色", en: "Drafting roles" },
  allowSelfApproval: { zh: "允许自行批准", en: "Allow self-approval" },
  checklist: { zh: "检查清单", en: "Checklist" },
  result: { zh: "结论", en: "Result" },
  conditions: { zh: "条件", en: "Conditions" },
  days: { zh: "有效期（天）", en: "Days" },
  current: { zh: "当前密码", en: "Current password" },
  newPassword: { zh: "新密码", en: "New password" },
};

/** Custom messages written in the schemas (English), and what they say in Chinese. */
const CUSTOM_ZH: Record<string, string> = {
  "at least one reviewer": "请至少选择一位审核人",
  "a hold by query needs at least one condition (a search word q, a record class classId, a clause, a period dateFrom/dateTo, or a case, contract, document or person); an empty query would hold every record":
    "按条件保全时至少填写一项条件（关键词、类别、条款、日期范围，或案件、合同、文件、人员）；不填条件会保全全部记录",
  "at least one role": "请至少选择一个角色",
  "at least one signer": "请至少添加一位签署人",
  "at least 2 characters": "至少 2 个字符",
  "at most 64 characters": "最多 64 个字符",
  "name at least one counterparty": "请至少填写一个相对方",
  "choose at least one record": "请至少选择一条记录",
  "choose at least one due record": "请至少选择一条到期记录",
  "change at least one setting": "请至少修改一项设置",
  "an amount such as 1200000 or 1200000.50": "应为金额，例如 1,200,000 或 1200000.50",
  "an amount such as 1,200,000 or 1200000.50 (commas group thousands, a dot starts the cents)": "应为金额，例如 1,200,000 或 1200000.50（逗号只用于千位分隔，小数用点号）",
  "a currency code such as CNY": "应为币种代码，例如 CNY",
  "a date as YYYY-MM-DD": "应为日期（年-月-日）",
  "YYYY-MM-DD": "应为日期（年-月-日）",
  "effectiveFrom is YYYY-MM-DD": "应为日期（年-月-日）",
  "say why": "请说明原因",
  "say why the document is withdrawn": "请说明作废原因",
  "record what was reviewed": "请记录审查内容",
  "enter your password to sign": "请输入您的登录密码以签署",
  "enter your password to confirm the approval": "请输入您的登录密码以确认批准",
  "enter your password: the review record is signed": "请输入您的登录密码：审查记录将被签署",
  "you must agree to sign electronically": "须同意以电子方式签署",
  "must not be empty": "不能为空",
  required: "必填",
  "must not contain control characters or slashes": "不能包含控制字符或斜杠",
  "direction-control characters are not allowed": "不能包含文字方向控制字符",
  "lower-case letters, digits and dashes": "只能使用小写字母、数字和连字符",
  "letters, digits, dash and underscore": "只能使用字母、数字、连字符和下划线",
  "letters, digits, dots, dashes and underscores": "只能使用字母、数字、点、连字符和下划线",
  "letters, digits, dot, dash and underscore only, starting with a letter or digit": "只能使用字母、数字、点、连字符和下划线，且以字母或数字开头",
  "must contain {seq} or {seq:N}": "须包含 {seq} 或 {seq:N}",
  "revisions are numbers such as 1, 2 or 2.1": "版本号应为数字，例如 1、2 或 2.1",
  "a clause number such as 7.3 or 13.5.2": "应为条款号，例如 7.3 或 13.5.2",
  "a clause number such as 7.3.2.4": "应为条款号，例如 7.3.2.4",
  "clause numbers look like 7.3.2.4": "应为条款号，例如 7.3.2.4",
  "template ids are kebab-case": "模板标识只能使用小写字母、数字和连字符",
  "field names are camelCase": "字段名应为驼峰式英文",
};

const ZH_FORMATS: Record<string, string> = {
  email: "电子邮箱地址",
  date: "日期（年-月-日）",
  datetime: "日期时间",
  url: "网址",
  uuid: "标识符",
};

/** The label of the field an issue is about, in the locale ("" when the issue is about the whole input). */
export function fieldLabel(path: IssueLike["path"], locale: Locale): string {
  const parts = typeof path === "string" ? (path ? path.split(".") : []) : path.map(String);
  const named = [...parts].reverse().find((p) => !/^\d+$/.test(p));
  if (!named) return "";
  const label = FIELD_LABELS[named];
  const index = parts.findLast((p) => /^\d+$/.test(p));
  const base = label ? (locale === "en" ? label.en : label.zh) : locale === "en" ? named : "输入项";
  if (index === undefined) return base;
  return locale === "en" ? `${base} (item ${Number(index) + 1})` : `${base}（第 ${Number(index) + 1} 项）`;
}

const unitZh = (origin: string | undefined) =>
  origin === "string" ? " 个字符" : origin === "array" || origin === "set" ? " 项" : origin === "file" ? " 字节" : "";
const unitEn = (origin: string | undefined, n: number | bigint) =>
  origin === "string" ? ` character${n === 1 ? "" : "s"}` : origin === "array" || origin === "set" ? ` item${n === 1 ? "" : "s"}` : origin === "file" ? " bytes" : "";

/** What is wrong, without the field's label. */
export function issueMessage(issue: IssueLike, locale: Locale): string {
  const en = locale === "en";
  const missing = issue.code === "invalid_type" && /received undefined/.test(issue.message);
  if (missing) return en ? "required" : "必填";
  switch (issue.code) {
    case "too_big": {
      const n = issue.maximum ?? 0;
      if (issue.origin === "number" || issue.origin === "bigint") return en ? `at most ${n}` : `不能大于 ${n}`;
      if (issue.origin === "date") return en ? "too late" : "日期太晚";
      return en ? `at most ${n}${unitEn(issue.origin, n)}` : `最多 ${n}${unitZh(issue.origin)}`;
    }
    case "too_small": {
      const n = issue.minimum ?? 0;
      if (issue.origin === "number" || issue.origin === "bigint") return en ? `at least ${n}` : `不能小于 ${n}`;
      if (issue.origin === "date") return en ? "too early" : "日期太早";
      if (issue.origin === "string" && Number(n) === 1) return en ? "required" : "必填";
      if (issue.origin === "array" && Number(n) === 1) {
        const custom = CUSTOM_ZH[issue.message];
        return en ? (issue.message.startsWith("Too small") ? "choose at least one" : issue.message) : (custom ?? "请至少选择一项");
      }
      return en ? `at least ${n}${unitEn(issue.origin, n)}` : `至少 ${n}${unitZh(issue.origin)}`;
    }
    case "invalid_type":
      if (issue.expected === "int") return en ? "a whole number" : "应为整数";
      if (issue.expected === "number") return en ? "a number" : "应为数字";
      return en ? "not in the expected form" : "格式不正确";
    case "invalid_value":
      return en ? "not one of the choices offered" : "不是可选的值";
    case "invalid_format": {
      const custom = en ? (issue.message.startsWith("Invalid") ? undefined : issue.message) : CUSTOM_ZH[issue.message];
      if (custom) return custom;
      const what = issue.format ? (en ? issue.format : ZH_FORMATS[issue.format]) : undefined;
      if (issue.format === "regex" || !what) return en ? "not in the expected form" : "格式不正确";
      return en ? `must be a valid ${what}` : `应为有效的${what}`;
    }
    case "unrecognized_keys":
      return en ? `unknown field(s): ${(issue.keys ?? []).join(", ")}` : `包含未知字段：${(issue.keys ?? []).join("、")}`;
    case "invalid_union":
      return en ? "not in the expected form" : "格式不正确";
    default: {
      if (en) return issue.message;
      return CUSTOM_ZH[issue.message] ?? "格式不正确";
    }
  }
}

/** One issue as a person reads it: "标题：最多 200 个字符". */
export function issueText(issue: IssueLike, locale: Locale): string {
  const label = fieldLabel(issue.path, locale);
  const message = issueMessage(issue, locale);
  if (!label) return message;
  return locale === "en" ? `${label}: ${message}` : `${label}：${message}`;
}

/** Every issue, joined. */
export function issuesText(issues: readonly IssueLike[], locale: Locale): string {
  return issues.map((i) => issueText(i, locale)).join(locale === "en" ? "; " : "；");
}
