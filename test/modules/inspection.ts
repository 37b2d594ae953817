import { defineModule, defineRecordType } from "../../src/core/items/define";
import { date, longText, person, text } from "../../src/core/items/fields";

/**
 * A module that exists only in the tests: it declares one record type with a workflow and a
 * signature, and gets API, pages, search, evidence and audit without a line in src/core.
 */
export const inspection = defineRecordType({
  id: "quality.inspection",
  numberPrefix: "QI",
  title: { zh: "监督检查记录", en: "Inspection record" },
  clauses: ["13.3"],
  fields: {
    subject: text({ zh: "检查对象", en: "Subject" }),
    plannedOn: date({ zh: "计划日期", en: "Planned on" }),
    inspectorId: person({ zh: "检查人", en: "Inspector" }),
    findings: longText({ zh: "检查发现", en: "Findings" }).optional(),
    reviewerId: person({ zh: "审核人", en: "Reviewer" }, { roles: ["ip-manager"] }).optional(),
    dueOn: date({ zh: "整改期限", en: "Due" }).optional(),
  },
  describe: (m) => ({ title: m.subject, date: m.plannedOn, dueOn: m.dueOn, ownerId: m.inspectorId, people: [m.inspectorId, m.reviewerId], searchText: [m.findings] }),
  classification: "internal",
  retention: { code: "TEST-QI", period: { years: 5 }, disposition: "destroy" },
  permissions: { create: ["ip-manager"], read: ["ip-manager", "admin"] },
  columns: ["plannedOn", "inspectorId"],
  workflow: {
    initial: "planned",
    states: {
      planned: { zh: "已计划", en: "Planned" },
      inspected: { zh: "已检查", en: "Inspected" },
      approved: { zh: "已批准", en: "Approved" },
    },
    final: ["approved"],
    transitions: [
      { action: "inspect", label: { zh: "记录检查结果", en: "Record the findings" }, from: "planned", to: "inspected", by: "inspectorId", inputs: ["findings", "reviewerId", "dueOn"], requires: ["findings", "reviewerId"] },
      {
        action: "approve",
        label: { zh: "批准", en: "Approve" },
        from: "inspected",
        to: "approved",
        roles: ["ip-manager"],
        guard: (item) => (item.data.findings?.includes("草稿") ? "Findings still marked 草稿 (draft) cannot be approved." : null),
        sign: [{ person: "reviewerId", meaning: "approved", role: "ip-manager", notThe: "inspectorId" }],
      },
      { action: "reopen", label: { zh: "退回重查", en: "Send back" }, from: "inspected", to: "planned", roles: ["ip-manager"], comment: "required" },
    ],
  },
});

export const qualityModule = defineModule({ name: "quality", title: { zh: "质量（测试模块）", en: "Quality (test module)" }, recordTypes: [inspection] });
