import { classificationLabels, clearedFor, type Classification } from "../../core/auth/permissions";
import type { TxContext } from "../../core/context";
import { defineRecordType } from "../../core/items/define";
import { choice, date, department, longText, number, person, text } from "../../core/items/fields";
import { getPerson } from "../../core/users/service";
import { addItemLinkIn, createItemIn, itemsWithValue, linksOfItem } from "../../core/items/service";
import { clauseField, CORRECTIVE_ACTION, GRADES, NONCONFORMITY } from "./audit";

const chinaDay = (t: TxContext) => new Date(t.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * How often the same clause was found nonconforming in earlier audits: the nonconformities of the
 * clause raised before this one under other programmes (or outside any), as far as this item's
 * classification may name them.
 */
async function recurrence(t: TxContext, item: { id: string; classification: Classification }, clause: string, programme: string | undefined) {
  const same = await itemsWithValue(t, NONCONFORMITY, "clause", clause);
  const at = same.findIndex((i) => i.id === item.id);
  const before = at < 0 ? same : same.slice(0, at);
  const earlier = before.filter((i) => (i.data as { programme?: string }).programme !== programme || !programme).filter((i) => clearedFor(item.classification, i.classification as Classification));
  const audits = new Map<string, string[]>();
  for (const i of earlier) {
    const key = (i.data as { programme?: string }).programme || i.number;
    audits.set(key, [...(audits.get(key) ?? []), i.number]);
  }
  return {
    recurrenceCount: audits.size,
    recurrenceOf: audits.size ? [...audits].map(([audit, ncs]) => `${audit}：${ncs.join("、")}`).join("；").slice(0, 2000) : undefined,
  };
}

/**
 * A nonconformity (or observation) found by an audit or an inspection (13.5.2 a): the clause and
 * requirement breached, the facts, its grade. The IP manager reviews it, names who is responsible
 * and by when, and a corrective action is raised, linked from it; an observation may be noted
 * without one. When it is reviewed, the earlier audits that found the same clause nonconforming
 * are counted.
 */
export const nonconformity = defineRecordType({
  id: NONCONFORMITY,
  numberPrefix: "NC",
  title: { zh: "不符合项", en: "Nonconformity" },
  description: { zh: "审核或检查发现的不符合事项：条款、要求、事实、等级。", en: "What an audit or inspection found: clause, requirement, facts and grade." },
  clauses: ["13.5.2"],
  fields: {
    programme: text({ zh: "审核方案编号", en: "Programme" }, { maxLength: 40 }).indexed().optional(),
    source: text({ zh: "来源（检查表等）", en: "Source (checklist …)" }, { maxLength: 100 }),
    clause: clauseField({ zh: "不符合的条款", en: "Clause breached" }).indexed(),
    requirement: text({ zh: "不符合的要求", en: "Requirement breached" }, { maxLength: 500 }),
    description: longText({ zh: "不符合事实", en: "Facts" }),
    grade: choice(GRADES, { zh: "等级", en: "Grade" }).indexed(),
    departmentId: department({ zh: "责任部门", en: "Department" }),
    foundOn: date({ zh: "发现日期", en: "Found on" }),
    auditorId: person({ zh: "审核员", en: "Auditor" }),
    review: longText({ zh: "不符合事项评审（13.5.2 a）", en: "Review of the nonconformity (13.5.2 a)" }),
    ownerId: person({ zh: "整改责任人", en: "Responsible for the action" }),
    dueOn: date({ zh: "整改期限", en: "Action due" }),
    recurrenceCount: number({ zh: "同一条款在此前几次审核中不符合", en: "Same clause nonconforming in earlier audits" }, { integer: true, min: 0 }).optional(),
    recurrenceOf: text({ zh: "此前的不符合项", en: "Earlier nonconformities" }, { maxLength: 2000 }).optional(),
  },
  describe: (m) => ({
    title: `条款 ${m.clause}：${m.requirement}`,
    date: m.foundOn,
    dueOn: m.dueOn,
    ownerId: m.ownerId,
    departmentId: m.departmentId,
    people: [m.auditorId, m.ownerId],
    searchText: [`条款${m.clause}`, m.programme, m.source, m.description, m.recurrenceCount ? `重复发生 recurring ${m.recurrenceOf ?? ""}` : null],
  }),
  classification: "internal",
  retention: { code: "IMP-NC", name: { zh: "不符合项记录", en: "Nonconformity records" }, period: { years: 10 }, disposition: "destroy" },
  permissions: { create: ["ip-manager", "ip-staff"] },
  columns: ["clause", "grade", "departmentId", "recurrenceCount"],
  workflow: {
    initial: "open",
    states: {
      open: { zh: "待评审", en: "To review" },
      "action-raised": { zh: "已提出纠正措施", en: "Corrective action raised" },
      noted: { zh: "已记录（观察项）", en: "Noted (observation)" },
    },
    final: ["action-raised", "noted"],
    editable: ["open"],
    transitions: [
      {
        action: "raise-action",
        label: { zh: "评审并提出纠正措施", en: "Review and raise a corrective action" },
        from: "open",
        to: "action-raised",
        roles: ["ip-manager"],
        inputs: ["review", "ownerId", "dueOn"],
        requires: ["review", "ownerId", "dueOn"],
        // the owner must be able to read what they are to act on
        guard: async (item, _actor, next, t) => {
          const owner = await getPerson(t, next.ownerId!);
          return owner && !clearedFor(owner.clearance as Classification, item.classification)
            ? `整改责任人 ${owner.displayName} 无权阅读“${classificationLabels[item.classification].zh}”级的不符合项，请另选责任人。 ${owner.displayName} is not cleared for this ${item.classification} nonconformity and cannot own its corrective action.`
            : null;
        },
        compute: async (t, item, next) => recurrence(t, item, next.clause, next.programme),
        // the corrective action: copied from the finding, owned by the person responsible, linked both ways
        effect: async (t, item, by) => {
          const d = item.data;
          const action = await createItemIn(
            t,
            CORRECTIVE_ACTION,
            {
              data: {
                nonconformity: item.number,
                clause: d.clause,
                grade: d.grade,
                description: `${d.requirement}\n${d.description}`,
                review: d.review!,
                recurrence: d.recurrenceCount ? `同一条款在此前 ${d.recurrenceCount} 次审核中不符合：${d.recurrenceOf}` : undefined,
                departmentId: d.departmentId,
                ownerId: d.ownerId!,
                raisedOn: chinaDay(t),
                dueOn: d.dueOn!,
              },
              classification: item.classification,
            },
            by,
          );
          await addItemLinkIn(t, item.id, { kind: "item", targetId: action.id, relation: "纠正措施 corrective action" }, by);
        },
      },
      {
        action: "note",
        label: { zh: "评审并记录观察项", en: "Review and note the observation" },
        from: "open",
        to: "noted",
        roles: ["ip-manager"],
        inputs: ["review"],
        requires: ["review"],
        guard: (item) => (item.data.grade === "observation" ? null : "只有观察项可以不采取纠正措施；不符合项须提出纠正措施（13.5.2）。 Only an observation may be noted without a corrective action; a nonconformity needs one (13.5.2)."),
        compute: async (t, item, next) => recurrence(t, item, next.clause, next.programme),
      },
    ],
  },
});

/**
 * A corrective action (13.5.2 a–f): the nonconformity reviewed (a), its cause (b), the need for
 * actions so it does not recur (c), the actions decided and carried out (d), their results recorded
 * with the evidence linked (e), and the review of their effectiveness (f), due 90 days after
 * implementation and signed by someone other than the implementer. An ineffective review reopens it.
 */
export const correctiveAction = defineRecordType({
  id: CORRECTIVE_ACTION,
  numberPrefix: "CA",
  title: { zh: "纠正措施", en: "Corrective action" },
  description: { zh: "不符合 → 原因 → 措施 → 实施结果 → 有效性评审 → 关闭。", en: "Nonconformity → cause → action → results → effectiveness review → closed." },
  clauses: ["13.5.2"],
  fields: {
    nonconformity: text({ zh: "不符合项编号", en: "Nonconformity" }, { maxLength: 40 }).indexed(),
    clause: clauseField().indexed(),
    // none when the action comes from a management review's decision rather than a nonconformity
    grade: choice(GRADES, { zh: "等级", en: "Grade" }).optional(),
    description: longText({ zh: "不符合事项", en: "Nonconformity" }),
    review: longText({ zh: "不符合事项评审（a）", en: "Review of the nonconformity (a)" }),
    recurrence: text({ zh: "重复发生", en: "Recurrence" }, { maxLength: 2100 }).optional(),
    departmentId: department({ zh: "责任部门", en: "Department" }).optional(),
    ownerId: person({ zh: "责任人", en: "Owner" }),
    raisedOn: date({ zh: "提出日期", en: "Raised on" }),
    dueOn: date({ zh: "完成期限", en: "Due" }),
    cause: longText({ zh: "原因分析（b）", en: "Cause (b)" }),
    correction: longText({ zh: "纠正（立即处置）", en: "Correction (immediate)" }),
    actionNeeded: longText({ zh: "防止再发生的措施需求（c）", en: "Need for action so it does not recur (c)" }),
    plan: longText({ zh: "确定的纠正措施（d）", en: "Actions decided (d)" }),
    results: longText({ zh: "措施实施结果记录（e）", en: "Results of the actions taken (e)" }),
    implementerId: person({ zh: "实施人", en: "Implemented by" }).optional(),
    implementedOn: date({ zh: "实施完成日期", en: "Implemented on" }).optional(),
    reviewerId: person({ zh: "有效性评审人", en: "Effectiveness reviewer" }, { roles: ["ip-manager", "top-manager"] }),
    effectiveness: longText({ zh: "有效性评审（f）", en: "Effectiveness review (f)" }),
  },
  describe: (m) => ({
    title: `条款 ${m.clause}：${m.description.split("\n")[0]}`,
    date: m.raisedOn,
    dueOn: m.dueOn,
    ownerId: m.ownerId,
    departmentId: m.departmentId,
    people: [m.ownerId, m.implementerId, m.reviewerId],
    searchText: [m.nonconformity, `条款${m.clause}`, m.cause, m.plan, m.results, m.effectiveness, m.recurrence],
  }),
  classification: "internal",
  retention: { code: "IMP-CA", name: { zh: "纠正措施记录", en: "Corrective action records" }, period: { years: 10 }, disposition: "destroy" },
  permissions: { create: ["ip-manager"] },
  columns: ["nonconformity", "clause", "ownerId", "dueOn"],
  workflow: {
    initial: "open",
    states: {
      open: { zh: "待分析", en: "To analyse" },
      reopened: { zh: "评审无效，重新整改", en: "Reopened (not effective)" },
      planned: { zh: "措施已确定", en: "Actions decided" },
      implemented: { zh: "已实施，待有效性评审", en: "Implemented, effectiveness review due" },
      closed: { zh: "已关闭", en: "Closed" },
    },
    final: ["closed"],
    editable: ["open"],
    transitions: [
      {
        action: "analyse",
        label: { zh: "分析原因并确定措施", en: "Analyse the cause and decide the actions" },
        from: ["open", "reopened"],
        to: "planned",
        by: "ownerId",
        roles: ["ip-manager"],
        inputs: ["cause", "correction", "actionNeeded", "plan"],
        requires: ["cause", "actionNeeded", "plan"],
      },
      {
        action: "implement",
        label: { zh: "记录实施结果", en: "Record the results" },
        from: "planned",
        to: "implemented",
        by: "ownerId",
        inputs: ["results"],
        requires: ["results"],
        guard: async (item, _actor, _next, t) =>
          (await linksOfItem(t, item.id)).some((l) => l.kind !== "user")
            ? null
            : "请先关联实施证据（记录、文件等）再提交实施结果（13.5.2 e）。 Link the evidence of the implementation (records, documents …) before recording the results (13.5.2 e).",
        // who implemented it, and when: the effectiveness review is someone else's, 90 days on
        compute: async (t, _item, _next, actor) => ({ implementerId: actor.id, implementedOn: chinaDay(t) }),
        dueAfter: { days: 90 },
      },
      {
        action: "verify",
        label: { zh: "有效性评审：有效，关闭", en: "Effectiveness review: effective, close" },
        from: "implemented",
        to: "closed",
        roles: ["ip-manager", "top-manager"],
        inputs: ["reviewerId", "effectiveness"],
        requires: ["reviewerId", "effectiveness"],
        sign: [{ person: "reviewerId", meaning: "reviewed", notThe: "implementerId" }],
      },
      {
        action: "ineffective",
        label: { zh: "有效性评审：无效，重新整改", en: "Effectiveness review: not effective, reopen" },
        from: "implemented",
        to: "reopened",
        roles: ["ip-manager", "top-manager"],
        inputs: ["effectiveness", "dueOn"],
        requires: ["effectiveness"],
        comment: "required",
        guard: (item, actor) =>
          actor.id === item.data.implementerId
            ? "有效性评审须由实施人以外的人进行（13.5.2 f）。 The effectiveness review must be made by someone other than the implementer (13.5.2 f)."
            : null,
      },
    ],
  },
});
