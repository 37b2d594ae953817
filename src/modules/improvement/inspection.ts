import type { TxContext } from "../../core/context";
import { defineRecordType, type ItemState } from "../../core/items/define";
import { date, list, longText, people, person, text, type Field } from "../../core/items/fields";
import { chinaToday, policyAndObjectives } from "./sources";

const snapshotLine = {
  source: text({ zh: "来源", en: "Source" }, { maxLength: 120 }),
  reference: text({ zh: "编号", en: "Reference" }, { maxLength: 120 }).optional(),
  summary: text({ zh: "内容", en: "Summary" }, { maxLength: 500 }),
};

const fields = {
  subject: text({ zh: "检查名称", en: "Subject" }),
  inspectedOn: date({ zh: "检查日期", en: "Inspected on" }),
  stage: text({ zh: "战略阶段", en: "Strategy stage" }, { maxLength: 120 }).optional(),
  topManagerId: person({ zh: "最高管理者", en: "Top manager" }, { roles: ["top-manager"] }),
  inspectorIds: people({ zh: "检查人员", en: "Inspectors" }),
  lawChanges: longText({ zh: "a) 知识产权法律法规变动", en: "a) Changes in IP laws and regulations" }),
  procedures: longText({ zh: "b) 各项知识产权管理程序运行情况", en: "b) How the IP procedures operate" }),
  objectives: longText({ zh: "c) 知识产权目标达成结果", en: "c) Results against the IP objectives" }),
  incidents: longText({ zh: "d) 突发性事项（如侵害第三方知识产权）", en: "d) Incidents (e.g. infringing a third party's IP)" }),
  opinions: longText({ zh: "e) 涉及部门或人员意见", en: "e) Opinions of the departments and people concerned" }),
  conclusion: longText({ zh: "检查结论与整改要求", en: "Conclusion and required improvements" }),
  dueOn: date({ zh: "整改期限", en: "Improvements due" }).optional(),
  objectivesSnapshot: list(snapshotLine, { zh: "提交时的目标状况（系统汇编）", en: "Objectives when submitted (compiled)" }).computed(),
  submittedOn: date({ zh: "提交日期", en: "Submitted on" }).computed(),
};

type Inspection = { [K in keyof typeof fields]: (typeof fields)[K] extends Field<infer T> ? T : never };

/** What stands of the objectives when the record is submitted (13.3 c), beside what the inspectors wrote. */
async function snapshot(t: TxContext, item: ItemState<Inspection>): Promise<Partial<Inspection>> {
  const { lines } = await policyAndObjectives(t, item.classification, "c");
  return { submittedOn: chinaToday(t), objectivesSnapshot: lines.map((l) => ({ source: l.source, reference: l.reference, summary: l.summary })) };
}

/**
 * A supervision and inspection record (13.3): the top manager has the system's operation inspected
 * at each stage of the strategy, over the five matters a)–e); the IP office drafts and submits the
 * record, and the top manager acknowledges it with a signature (or sends it back with a reason).
 */
export const inspectionRecord = defineRecordType({
  id: "improvement.inspection",
  numberPrefix: "SI",
  title: { zh: "监督检查记录", en: "Supervision and inspection record" },
  description: { zh: "最高管理者按战略阶段对体系运行的监督检查（法规变动、程序运行、目标达成、突发事项、各方意见）。", en: "The top manager's inspection of how the system runs at each stage of the strategy." },
  clauses: ["13.3"],
  fields,
  describe: (m) => ({
    title: m.subject,
    date: m.inspectedOn,
    dueOn: m.dueOn,
    ownerId: m.topManagerId,
    people: [m.topManagerId, ...(m.inspectorIds ?? [])],
    searchText: [m.lawChanges, m.procedures, m.objectives, m.incidents, m.opinions, m.conclusion],
  }),
  classification: "internal",
  retention: { code: "IMP-SI", name: { zh: "监督检查记录", en: "Inspection records" }, period: { years: 10 }, disposition: "destroy" },
  permissions: { create: ["ip-manager", "ip-staff", "top-manager"] },
  columns: ["inspectedOn", "topManagerId"],
  workflow: {
    initial: "draft",
    states: {
      draft: { zh: "草稿", en: "Draft" },
      submitted: { zh: "待最高管理者确认", en: "Awaiting the top manager" },
      acknowledged: { zh: "最高管理者已确认", en: "Acknowledged by the top manager" },
    },
    final: ["acknowledged"],
    transitions: [
      {
        action: "submit",
        label: { zh: "提交最高管理者", en: "Submit to the top manager" },
        from: "draft",
        to: "submitted",
        roles: ["ip-manager", "ip-staff"],
        compute: (t, item) => snapshot(t, item),
      },
      {
        action: "acknowledge",
        label: { zh: "最高管理者确认", en: "Acknowledge" },
        from: "submitted",
        to: "acknowledged",
        by: "topManagerId",
        sign: [{ person: "topManagerId", role: "top-manager", meaning: "acknowledged" }],
      },
      { action: "return", label: { zh: "退回修改", en: "Send back" }, from: "submitted", to: "draft", by: "topManagerId", comment: "required" },
    ],
  },
});
