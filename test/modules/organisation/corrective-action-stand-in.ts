import { defineModule, defineRecordType } from "../../../src/core/items/define";
import { date, text } from "../../../src/core/items/fields";

/**
 * A stand-in for the improvement module's corrective actions (13.5), as the objectives' indicator
 * reads them: items of type `improvement.corrective-action` with a due date, closed when they
 * reach their final state `closed`.
 */
const correctiveAction = defineRecordType({
  id: "improvement.corrective-action",
  numberPrefix: "CA",
  title: { zh: "纠正措施", en: "Corrective action" },
  clauses: ["13.5"],
  fields: { nonconformity: text({ zh: "不符合事项", en: "Nonconformity" }), dueOn: date({ zh: "完成期限", en: "Due" }) },
  describe: (m) => ({ title: m.nonconformity, date: m.dueOn, dueOn: m.dueOn }),
  classification: "internal",
  retention: { code: "TEST-CA", period: { years: 1 }, disposition: "destroy" },
  permissions: { create: ["ip-manager"] },
  workflow: {
    initial: "open",
    states: { open: { zh: "未关闭", en: "Open" }, closed: { zh: "已关闭", en: "Closed" } },
    final: ["closed"],
    transitions: [{ action: "close", label: { zh: "关闭", en: "Close" }, from: "open", to: "closed", roles: ["ip-manager"] }],
  },
});

export const improvementStandIn = defineModule({ name: "improvement", title: { zh: "改进（测试替身）", en: "Improvement (stand-in)" }, recordTypes: [correctiveAction] });
