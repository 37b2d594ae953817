import { defineModule, defineRecordType } from "../../../src/core/items/define";
import { choice, date, longText, person, text } from "../../../src/core/items/fields";
import { improvementModule } from "../../../src/modules/improvement";

/**
 * Stand-ins for the types the management review reads and feeds, built by other parts of the
 * improvement and organisation modules: a corrective action (open until closed, with an owner and
 * a due date) and an objective with a status. Only the tests declare them.
 */
export const standInCorrectiveAction = defineRecordType({
  id: "improvement.corrective-action",
  numberPrefix: "CA",
  title: { zh: "纠正措施", en: "Corrective action" },
  clauses: ["13.5"],
  fields: {
    nonconformity: longText({ zh: "不符合事项", en: "Nonconformity" }),
    ownerId: person({ zh: "责任人", en: "Owner" }),
    dueOn: date({ zh: "完成期限", en: "Due" }),
    cause: longText({ zh: "原因分析", en: "Cause" }).optional(),
  },
  describe: (m) => ({ title: m.nonconformity.slice(0, 80), date: m.dueOn, dueOn: m.dueOn, ownerId: m.ownerId, people: [m.ownerId] }),
  classification: "internal",
  retention: { code: "TEST-CA", period: { years: 10 }, disposition: "destroy" },
  permissions: { create: ["ip-manager", "ip-staff"] },
  workflow: {
    initial: "open",
    states: { open: { zh: "待处理", en: "Open" }, closed: { zh: "已关闭", en: "Closed" } },
    final: ["closed"],
    transitions: [{ action: "close", label: { zh: "关闭", en: "Close" }, from: "open", to: "closed", roles: ["ip-manager"] }],
  },
});

export const standInObjective = defineRecordType({
  id: "organisation.objective",
  numberPrefix: "OBJ",
  title: { zh: "知识产权目标", en: "IP objective" },
  clauses: ["4.2.2"],
  fields: {
    title: text({ zh: "目标", en: "Objective" }),
    year: date({ zh: "考核日期", en: "Measured on" }),
    status: choice(
      [
        { value: "on-track", label: { zh: "正常", en: "On track" } },
        { value: "at-risk", label: { zh: "有风险", en: "At risk" } },
        { value: "off-track", label: { zh: "偏离", en: "Off track" } },
      ],
      { zh: "状态", en: "Status" },
    ),
  },
  describe: (m) => ({ title: m.title, date: m.year }),
  classification: "internal",
  retention: { code: "TEST-OBJ", period: { years: 10 }, disposition: "destroy" },
  permissions: { create: ["ip-manager", "top-manager"] },
});

/**
 * The improvement module with the corrective-action stand-in in place of the real one (whose fields
 * and steps these tests do not drive), and an organisation module with the objective stand-in.
 */
export const improvementWithStandIns = [
  defineModule({ ...improvementModule, recordTypes: [...improvementModule.recordTypes.filter((t) => t.id !== standInCorrectiveAction.id), standInCorrectiveAction] }),
  defineModule({ name: "organisation", title: { zh: "组织（测试）", en: "Organisation (test)" }, recordTypes: [standInObjective] }),
];
