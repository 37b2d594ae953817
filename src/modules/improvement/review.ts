import type { Classification } from "../../core/auth/permissions";
import { correctiveAction } from "./findings";
import { classificationRank, clearedFor } from "../../core/auth/permissions";
import { getPerson } from "../../core/users/service";
import type { TxContext } from "../../core/context";
import { requirePrincipal } from "../../core/auth/guard";
import { defineRecordType, type ItemState, type RecordType } from "../../core/items/define";
import { choice, date, list, longText, number, people, person, text, type Field } from "../../core/items/fields";
import { addItemLink, createItemIn } from "../../core/items/service";
import { auditResults, chinaToday, ipSituation, policyAndObjectives, SOURCE_TYPES, type CompiledLine } from "./sources";

/** The review inputs of 13.2.1, a)–e). */
const INPUTS = [
  { value: "a", label: { zh: "a) 知识产权方针和目标", en: "a) IP policy and objectives" } },
  { value: "b", label: { zh: "b) 经营目标、策略及新产品、新业务规划", en: "b) Business objectives, strategy, new products and business" } },
  { value: "c", label: { zh: "c) 知识产权基本情况及风险评估", en: "c) IP situation and risk assessment" } },
  { value: "d", label: { zh: "d) 技术、标准发展趋势", en: "d) Technology and standards trends" } },
  { value: "e", label: { zh: "e) 前期审核结果", en: "e) Results of earlier audits" } },
] as const;

/** The review outputs of 13.2.2, a)–c). */
const OUTPUTS = [
  { value: "a", label: { zh: "a) 方针、目标改进建议", en: "a) Improving the policy and objectives" } },
  { value: "b", label: { zh: "b) 管理程序改进意见", en: "b) Improving the procedures" } },
  { value: "c", label: { zh: "c) 资源需求", en: "c) Resource needs" } },
] as const;

/** What a decision becomes once the review has decided. */
const DECISION_KINDS = [
  { value: "action", label: { zh: "改进措施（生成纠正措施）", en: "Action (becomes a corrective action)" } },
  { value: "objective-change", label: { zh: "目标调整（关联到目标）", en: "Objective change (linked to the objective)" } },
  { value: "record", label: { zh: "仅记录", en: "Recorded only" } },
] as const;

/**
 * The record types a decision of kind "action" becomes, the first one installed: the internal
 * audit's corrective action. Not installed: the decision is recorded only.
 */
export const ACTION_TARGETS: readonly string[] = [SOURCE_TYPES.correctiveAction];

const compiledLine = {
  input: choice(INPUTS, { zh: "评审输入", en: "Input" }),
  source: text({ zh: "来源", en: "Source" }, { maxLength: 120 }),
  reference: text({ zh: "编号", en: "Reference" }, { maxLength: 120 }).optional(),
  summary: text({ zh: "内容", en: "Summary" }, { maxLength: 500 }),
};

const decisionRow = {
  output: choice(OUTPUTS, { zh: "评审输出", en: "Output" }),
  kind: choice(DECISION_KINDS, { zh: "落实方式", en: "Becomes" }),
  text: text({ zh: "决定事项", en: "Decision" }, { maxLength: 500 }),
  ownerId: person({ zh: "责任人", en: "Owner" }).optional(),
  dueOn: date({ zh: "完成期限", en: "Due" }).optional(),
  itemId: text({ zh: "关联事项（如所调整的目标）", en: "Related item (e.g. the objective it changes)" }, { maxLength: 100 }).optional(),
};

type Decision = { output: string; kind: string; text: string; ownerId?: string; dueOn?: string; itemId?: string };

const fields = {
  title: text({ zh: "评审名称", en: "Title" }),
  reviewOn: date({ zh: "评审日期", en: "Review date" }),
  chairId: person({ zh: "主持人（最高管理者）", en: "Chair (top manager)" }, { roles: ["top-manager"] }),
  participantIds: people({ zh: "参加人员", en: "Participants" }),
  businessPlans: longText({ zh: "b) 经营目标、策略及新产品、新业务规划", en: "b) Business objectives, strategy, new products and business" }),
  ipSituation: longText({ zh: "c) 知识产权基本情况及风险评估（补充）", en: "c) IP situation and risk assessment (entered)" }).optional(),
  trends: longText({ zh: "d) 技术、标准发展趋势", en: "d) Technology and standards trends" }),
  auditNotes: longText({ zh: "e) 前期审核结果（补充）", en: "e) Results of earlier audits (entered)" }).optional(),
  compiledOn: date({ zh: "输入汇编日期", en: "Inputs compiled on" }).computed(),
  openCorrectiveActions: number({ zh: "未关闭纠正措施", en: "Open corrective actions" }, { integer: true, min: 0 }).computed(),
  overdueCorrectiveActions: number({ zh: "逾期纠正措施", en: "Overdue corrective actions" }, { integer: true, min: 0 }).computed(),
  objectivesOffTrack: number({ zh: "有风险或偏离的目标", en: "Objectives at risk or off track" }, { integer: true, min: 0 }).computed(),
  compiledInputs: list(compiledLine, { zh: "评审输入（系统汇编）", en: "Review inputs (compiled from live data)" }).computed(),
  conclusion: longText({ zh: "评审结论（体系的适宜性、充分性和有效性）", en: "Conclusion (suitability, adequacy, effectiveness)" }),
  decisions: list(decisionRow, { zh: "评审输出与决定", en: "Outputs and decisions" }, { max: 100 }),
};

type Review = { [K in keyof typeof fields]: (typeof fields)[K] extends Field<infer T> ? T : never };

/** The input fields of the decide step, which a review's decisions are checked against. */
function checkDecisions(decisions: Decision[] | undefined, reviewOn: string): string | null {
  if (!decisions?.length) return "Record at least one decision (评审输出至少一项决定).";
  for (const [i, d] of decisions.entries()) {
    const n = i + 1;
    if (d.kind === "action" && (!d.ownerId || !d.dueOn)) return `Decision ${n} is an action: name its owner and its due date (第 ${n} 项决定为改进措施，须指定责任人和完成期限).`;
    if (d.kind === "action" && d.dueOn! < reviewOn) return `Decision ${n}: its due date ${d.dueOn} is before the review (${reviewOn}).`;
    if (d.kind === "objective-change" && !d.itemId) return `Decision ${n} changes an objective: name the objective it changes (第 ${n} 项决定须关联目标).`;
  }
  return null;
}

/** The owner of an action must be cleared to read the review that gives it to them (the action is at least as secret). */
async function checkOwnersCleared(t: TxContext, item: ItemState<Review>, decisions: Decision[]): Promise<string | null> {
  for (const [i, d] of decisions.entries()) {
    if (d.kind !== "action" || !d.ownerId) continue;
    const owner = await getPerson(t, d.ownerId);
    if (owner && !clearedFor(owner.clearance as Classification, item.classification)) {
      return `Decision ${i + 1}: ${owner.displayName} is not cleared for this ${item.classification} review and cannot own its action (责任人密级不足).`;
    }
  }
  return null;
}

/** The fields of a type filled when the item is created, not by its workflow. */
function creationFieldsOf(type: RecordType<any>): [string, Field<any>][] {
  const later = new Set((type.workflow?.transitions ?? []).flatMap((t) => [...(t.inputs ?? [])]));
  return (Object.entries(type.fields) as [string, Field<any>][]).filter(([k, f]) => !later.has(k) && !f.options.computed);
}

/**
 * The metadata of the item a decision becomes. For this module's corrective action it is explicit:
 * raised by the review (clause 13.2, the review's number where a nonconformity's would be), the
 * decision as what is to be done, owned and due as decided, and its effectiveness reviewed by the
 * chair who decided it (never the owner, who will implement it). For any other action type
 * installed: the owner in its owner field and the chair in its other person fields, the due date
 * in its due-date field, the review's date in other dates, and the decision in its required texts;
 * a required field of another kind makes the creation fail with the target type's own message.
 */
export function actionDataFor(target: RecordType<any>, d: Decision, review: { number: string; reviewOn: string; chairId: string }): Record<string, unknown> {
  const say = `${d.text}（${review.number} 管理评审决定）`;
  if (target === correctiveAction) {
    const known: Record<string, unknown> = {
      nonconformity: review.number,
      clause: "13.2",
      description: say,
      review: `管理评审 ${review.number}（${review.reviewOn}）决定采取措施。 Decided by management review ${review.number}.`,
      ownerId: d.ownerId,
      raisedOn: review.reviewOn,
      dueOn: d.dueOn,
      reviewerId: review.chairId,
    };
    return Object.fromEntries(Object.entries(known).filter(([k, v]) => k in target.fields && v !== undefined));
  }
  const out: Record<string, unknown> = {};
  for (const [k, f] of creationFieldsOf(target)) {
    const wanted = f.options.required || k === "ownerId" || k === "dueOn";
    if (!wanted) continue;
    if (f.widget === "person") out[k] = /owner/i.test(k) ? d.ownerId : review.chairId;
    else if (f.widget === "people") out[k] = [d.ownerId];
    else if (f.widget === "date") out[k] = /due/i.test(k) ? d.dueOn : review.reviewOn;
    else if (f.widget === "text" || f.widget === "textarea") out[k] = say.slice(0, f.options.maxLength ?? 300);
  }
  return out;
}

/** The stricter of two levels. */
const stricter = (a: Classification, b: Classification) => (classificationRank(a) >= classificationRank(b) ? a : b);

/** Compiles 13.2.1 a), c) and e) from live data (as the person compiling sees it, no more secret than the review). */
async function compileInputs(t: TxContext, item: ItemState<Review>): Promise<Partial<Review>> {
  const today = chinaToday(t);
  const a = await policyAndObjectives(t, item.classification, "a");
  const c = await ipSituation(t, item.classification, "c");
  const e = await auditResults(t, item.classification, "e", today);
  const lines: CompiledLine[] = [...a.lines, ...c, ...e.lines];
  return {
    compiledOn: today,
    compiledInputs: lines.map((l) => ({ input: l.input as "a", source: l.source, reference: l.reference, summary: l.summary })),
    openCorrectiveActions: e.openCorrectiveActions ?? undefined,
    overdueCorrectiveActions: e.overdueCorrectiveActions ?? undefined,
    objectivesOffTrack: a.objectivesOffTrack ?? undefined,
  };
}

/**
 * The decisions take effect: each action becomes an item of the installed action type (created by
 * the person deciding, as secret as the review at least, linked from the review), and the item a
 * decision names (the objective an objective change changes) is linked from the review. One transaction with the
 * decision: a decision that cannot take effect refuses the whole step.
 */
async function applyDecisions(t: TxContext, item: ItemState<Review>): Promise<void> {
  const actor = requirePrincipal(t);
  const target = ACTION_TARGETS.map((id) => t.registry.recordType(id)).find((x) => !!x);
  const linked = new Set<string>();
  for (const [i, d] of ((item.data.decisions ?? []) as Decision[]).entries()) {
    const relation = `管理评审决定 ${i + 1}：${d.text}`.slice(0, 200);
    if (d.kind === "action" && target) {
      const created = await createItemIn(
        t,
        target.id,
        { data: actionDataFor(target, d, { number: item.number, reviewOn: item.data.reviewOn, chairId: item.data.chairId }), classification: stricter(item.classification, target.classification) },
        actor.id,
      );
      await addItemLink(t, item.id, { kind: "item", targetId: created.id, relation });
    }
    // the item a decision concerns (the objective it changes, the procedure it improves) is linked whatever its kind
    // (once per item: a second link to the same item would not be kept)
    if (d.itemId && !linked.has(d.itemId)) {
      linked.add(d.itemId);
      await addItemLink(t, item.id, { kind: "item", targetId: d.itemId, relation });
    }
  }
}

/**
 * A management review (13.2): planned by the IP manager, its inputs compiled from live data (the
 * policy and objectives, contracts and cases, earlier audits and open corrective actions) with the
 * business plans and trends entered, decided by the top manager (each decision an action, an
 * objective change or recorded), and its minutes signed by the chair as the record.
 */
export const managementReview = defineRecordType({
  id: "improvement.management-review",
  numberPrefix: "MR",
  title: { zh: "管理评审", en: "Management review" },
  description: { zh: "最高管理者对知识产权管理体系的评审：输入、输出与决定，会议纪要经最高管理者签署。", en: "The top manager's review of the IP management system: inputs, outputs and decisions; minutes signed by the top manager." },
  clauses: ["13.2", "13.2.1", "13.2.2"],
  fields,
  describe: (m) => ({
    title: m.title,
    date: m.reviewOn,
    ownerId: m.chairId,
    people: [m.chairId, ...(m.participantIds ?? []), ...(m.decisions ?? []).map((d) => d.ownerId)],
    searchText: [m.conclusion, ...(m.decisions ?? []).map((d) => d.text)],
  }),
  classification: "internal",
  retention: { code: "IMP-MR", name: { zh: "管理评审记录", en: "Management review records" }, period: { years: 10 }, disposition: "review" },
  permissions: { create: ["ip-manager", "top-manager"] },
  columns: ["reviewOn", "chairId"],
  workflow: {
    initial: "planned",
    states: {
      planned: { zh: "已计划", en: "Planned" },
      compiled: { zh: "输入已汇编", en: "Inputs compiled" },
      decided: { zh: "已决定", en: "Decided" },
      approved: { zh: "纪要已签署", en: "Minutes signed" },
    },
    final: ["approved"],
    editable: ["planned"],
    transitions: [
      {
        action: "compile",
        label: { zh: "汇编评审输入", en: "Compile the inputs" },
        from: ["planned", "compiled"],
        to: "compiled",
        roles: ["ip-manager", "top-manager"],
        inputs: ["businessPlans", "ipSituation", "trends", "auditNotes"],
        requires: ["businessPlans", "trends"],
        compute: (t, item) => compileInputs(t, item),
      },
      {
        action: "decide",
        label: { zh: "记录评审输出与决定", en: "Record the outputs and decisions" },
        from: "compiled",
        to: "decided",
        by: "chairId",
        inputs: ["conclusion", "decisions"],
        requires: ["conclusion", "decisions"],
        guard: async (item, _actor, next, t) => checkDecisions(next.decisions as Decision[] | undefined, next.reviewOn) ?? (await checkOwnersCleared(t, item, next.decisions as Decision[])),
        effect: (t, item) => applyDecisions(t, item),
      },
      {
        action: "approve",
        label: { zh: "签署评审纪要", en: "Sign the minutes" },
        from: "decided",
        to: "approved",
        roles: ["ip-manager", "top-manager"],
        sign: [{ person: "chairId", role: "top-manager", meaning: "approved" }],
      },
      { action: "reopen", label: { zh: "退回重新汇编", en: "Send back to compile again" }, from: "compiled", to: "planned", roles: ["ip-manager", "top-manager"], comment: "required" },
    ],
  },
});
