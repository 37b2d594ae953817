/**
 * Words for stored values that pages used to show as they are stored (`approver`, `rejected`,
 * `e-service`, `otherModified`...): each vocabulary as `{ zh, en }` by value. A value not listed
 * (a module's own) is shown as stored.
 */
type Words = Record<string, { zh: string; en: string }>;

export const reviewRoleWords: Words = {
  reviewer: { zh: "审核人", en: "reviewer" },
  approver: { zh: "批准人", en: "approver" },
};

export const reviewOutcomeWords: Words = {
  approved: { zh: "同意", en: "approved" },
  rejected: { zh: "退回", en: "rejected" },
};

export const periodicOutcomeWords: Words = {
  "no-change": { zh: "继续有效，无需修改", en: "remains valid, no change" },
  revise: { zh: "需要修订", en: "to be revised" },
  withdraw: { zh: "作废", en: "to be withdrawn" },
};

/** What a file of an evidence item is. */
export const evidenceFileRoleWords: Words = {
  draft: { zh: "草稿", en: "draft" },
  "ip-review": { zh: "知识产权审查", en: "IP review" },
  record: { zh: "记录", en: "record" },
  release: { zh: "发布版", en: "release" },
  signed: { zh: "已签署版", en: "signed" },
  source: { zh: "源文件", en: "source" },
};

export const chainWords: Words = {
  trusted: { zh: "可信", en: "trusted" },
  unknown: { zh: "未知", en: "unknown" },
  broken: { zh: "不完整", en: "broken" },
};

export const revocationWords: Words = {
  good: { zh: "未吊销", en: "not revoked" },
  revoked: { zh: "已吊销", en: "revoked" },
  unknown: { zh: "未知", en: "unknown" },
};

/** Where a revocation status came from. */
export const revocationSourceWords: Words = {
  custos: { zh: "来源：Custos 服务器记录", en: "source: the Custos server's record" },
  "dss-ocsp": { zh: "来源：PDF 的 DSS 中的 OCSP 响应", en: "source: an OCSP response in the PDF's DSS" },
  "dss-crl": { zh: "来源：PDF 的 DSS 中的 CRL", en: "source: a CRL in the PDF's DSS" },
  none: { zh: "没有吊销信息", en: "no revocation information" },
};

/** What proves a signature's time (proof of existence). */
export const proofWords: Words = {
  "signature-timestamp": { zh: "签名时间戳", en: "signature time stamp" },
  "document-timestamp": { zh: "文档时间戳", en: "document time stamp" },
};

export const bindingWords: Words = {
  match: { zh: "一致", en: "matches" },
  mismatch: { zh: "不一致", en: "does not match" },
  absent: { zh: "未绑定", en: "absent" },
  unknown: { zh: "未知", en: "unknown" },
};

export const changeKindWords: Words = {
  none: { zh: "签署后无改动", en: "no change after signing" },
  laterSignaturesOnly: { zh: "签署后仅追加了签名", en: "only later signatures added" },
  pagesAdded: { zh: "签署后追加了页面", en: "pages added after signing" },
  otherModified: { zh: "签署后有其他改动", en: "other changes after signing" },
};

/** The word for a stored value in the reader's language (the value itself when the vocabulary lacks it). */
export function wordFor(words: Words, value: string | null | undefined, locale: "zh-CN" | "en"): string {
  if (value === null || value === undefined) return "";
  const w = words[value];
  return w ? (locale === "en" ? w.en : w.zh) : value;
}
