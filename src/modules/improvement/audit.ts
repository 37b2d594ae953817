import { z } from "zod";
import type { Label } from "../../core/audit/events";
import type { TxContext } from "../../core/context";
import { defineRecordType } from "../../core/items/define";
import { choice, date, department, Field, list, longText, number, person, text } from "../../core/items/fields";
import { addItemLinkIn, createItemIn, itemsWithValue } from "../../core/items/service";
import { getDepartment } from "../../core/organisation/service";
import { getPerson } from "../../core/users/service";

/** A clause of the standard, as its number ("7.3", "13.5.2"). */
export function clauseField(label: Label = { zh: "条款", en: "Clause" }): Field<string> {
  const schema = z
    .string()
    .trim()
    .regex(/^\d{1,2}(\.\d{1,2}){0,3}$/, "a clause number such as 7.3 or 13.5.2");
  return new Field(schema, label, "text", { required: true, maxLength: 20, help: { zh: "标准条款号，如 7.3", en: "The standard's clause number, e.g. 7.3" } });
}

/** The judgement of one checklist line (the marks auditors write on paper checklists). */
export const JUDGEMENTS = [
  { value: "conform", label: { zh: "符合 √", en: "Conforms √" } },
  { value: "minor", label: { zh: "一般不符合 ○", en: "Minor nonconformity ○" } },
  { value: "major", label: { zh: "严重不符合 ×", en: "Major nonconformity ×" } },
  { value: "observation", label: { zh: "观察项 △", en: "Observation △" } },
] as const;

export const GRADES = [
  { value: "major", label: { zh: "严重不符合", en: "Major" } },
  { value: "minor", label: { zh: "一般不符合", en: "Minor" } },
  { value: "observation", label: { zh: "观察项", en: "Observation" } },
] as const;

export const PROGRAMME = "improvement.audit-programme";
export const CHECKLIST = "improvement.audit-checklist";
export const REPORT = "improvement.audit-report";
export const NONCONFORMITY = "improvement.nonconformity";
export const CORRECTIVE_ACTION = "improvement.corrective-action";

/**
 * The independence of internal audit: no auditor audits their own department. Returns the refusal
 * naming the rule, the auditor and the department, or null.
 */
export async function auditorIndependence(t: TxContext, rows: readonly { clause: string; departmentId: string; auditorId: string }[]): Promise<string | null> {
  for (const [i, row] of rows.entries()) {
    const auditor = await getPerson(t, row.auditorId);
    if (auditor?.departmentId && auditor.departmentId === row.departmentId) {
      const dept = await getDepartment(t, row.departmentId);
      return (
        `审核员不得审核本部门（内审独立性）：${auditor.displayName} 属于${dept?.name ?? row.departmentId}，不能审核该部门的条款 ${row.clause}${rows.length > 1 ? `（第 ${i + 1} 行）` : ""}。` +
        ` Auditor independence: no auditor audits their own department — ${auditor.displayName} belongs to ${dept?.nameEn ?? dept?.name ?? row.departmentId} and cannot audit it (clause ${row.clause}).`
      );
    }
  }
  return null;
}

const planRow = {
  clause: clauseField().indexed(),
  departmentId: department({ zh: "受审部门", en: "Department audited" }),
  plannedOn: date({ zh: "计划日期", en: "Planned on" }),
  auditorId: person({ zh: "审核员", en: "Auditor" }),
};

/**
 * The internal audit programme of a year (13.2): which clauses are audited in which departments,
 * when, by whom. The top manager approves it with a signature; approving it opens a checklist for
 * every line, each for its auditor, who may not audit their own department.
 */
export const auditProgramme = defineRecordType({
  id: PROGRAMME,
  numberPrefix: "AP",
  title: { zh: "内部审核方案", en: "Internal audit programme" },
  description: { zh: "年度内审的条款、部门、日期与审核员，由最高管理者批准。", en: "The year's internal audit: clauses by department, dates and auditors, approved by the top manager." },
  clauses: ["13.2"],
  fields: {
    year: number({ zh: "年度", en: "Year" }, { integer: true, min: 2000, max: 2100 }).indexed(),
    title: text({ zh: "名称", en: "Title" }),
    scope: longText({ zh: "审核目的、范围与准则", en: "Objective, scope and criteria" }),
    leadAuditorId: person({ zh: "审核组长", en: "Lead auditor" }, { roles: ["ip-manager", "ip-staff"] }),
    plan: list(planRow, { zh: "审核安排（条款 × 部门）", en: "Plan (clauses × departments)" }, { max: 200 }),
  },
  describe: (m) => ({
    title: `${m.year} ${m.title}`,
    date: `${m.year}-01-01`,
    ownerId: m.leadAuditorId,
    people: [m.leadAuditorId, ...(m.plan ?? []).map((r) => r.auditorId)],
    searchText: (m.plan ?? []).map((r) => `条款${r.clause}`),
  }),
  classification: "internal",
  retention: { code: "IMP-AP", name: { zh: "内部审核方案", en: "Internal audit programmes" }, period: { years: 10 }, disposition: "destroy" },
  permissions: { create: ["ip-manager"] },
  columns: ["year", "leadAuditorId"],
  workflow: {
    initial: "draft",
    states: {
      draft: { zh: "草拟", en: "Draft" },
      approved: { zh: "已批准", en: "Approved" },
    },
    final: ["approved"],
    editable: ["draft"],
    transitions: [
      {
        action: "approve",
        label: { zh: "批准审核方案", en: "Approve the programme" },
        from: "draft",
        to: "approved",
        roles: ["top-manager"],
        guard: async (item, _actor, next, t) => (next.plan?.length ? auditorIndependence(t, next.plan) : "审核安排为空：至少列出一行（条款、部门、日期、审核员）。 The plan is empty: list at least one clause, department, date and auditor."),
        sign: [{ role: "top-manager", meaning: "approved" }],
        // every line of the plan becomes its auditor's checklist, linked from the programme
        effect: async (t, item, by) => {
          for (const row of item.data.plan ?? []) {
            const checklist = await createItemIn(
              t,
              CHECKLIST,
              { data: { programme: item.number, clause: row.clause, departmentId: row.departmentId, plannedOn: row.plannedOn, auditorId: row.auditorId }, classification: item.classification },
              by,
            );
            await addItemLinkIn(t, item.id, { kind: "item", targetId: checklist.id, relation: "审核检查表 checklist" }, by);
          }
        },
      },
    ],
  },
});

const checklistLine = {
  requirement: text({ zh: "审核要点（要求）", en: "Requirement checked" }, { maxLength: 500 }),
  judgement: choice(JUDGEMENTS, { zh: "判定", en: "Judgement" }),
  finding: longText({ zh: "事实与证据描述", en: "Facts and evidence" }, { maxLength: 4000 }).optional(),
};

/**
 * The checklist of one clause in one department (13.2): each line a requirement with its judgement
 * (符合 √ / 一般不符合 ○ / 严重不符合 × / 观察项 △) and the facts seen; the records and documents
 * looked at are linked to it as evidence. Recording it raises a nonconformity for every line that
 * does not conform, linked from the checklist.
 */
export const auditChecklist = defineRecordType({
  id: CHECKLIST,
  numberPrefix: "AC",
  title: { zh: "内部审核检查表", en: "Internal audit checklist" },
  description: { zh: "按条款逐项判定，附证据关联。", en: "Each requirement of a clause judged, with links to the evidence." },
  clauses: ["13.2"],
  fields: {
    programme: text({ zh: "审核方案编号", en: "Programme" }, { maxLength: 40 }).indexed(),
    clause: clauseField().indexed(),
    departmentId: department({ zh: "受审部门", en: "Department audited" }),
    plannedOn: date({ zh: "计划日期", en: "Planned on" }),
    auditorId: person({ zh: "审核员", en: "Auditor" }),
    auditedOn: date({ zh: "审核日期", en: "Audited on" }),
    lines: list(checklistLine, { zh: "检查项", en: "Checklist" }, { max: 100 }),
    summary: longText({ zh: "审核小结", en: "Summary" }, { maxLength: 4000 }).optional(),
  },
  describe: (m) => ({
    title: `条款 ${m.clause} · ${m.programme}`,
    date: m.auditedOn ?? m.plannedOn,
    dueOn: m.auditedOn ? null : m.plannedOn,
    ownerId: m.auditorId,
    departmentId: m.departmentId,
    people: [m.auditorId],
    searchText: [`条款${m.clause}`, m.summary, ...(m.lines ?? []).map((l) => `${l.requirement} ${l.finding ?? ""}`)],
  }),
  classification: "internal",
  retention: { code: "IMP-AC", name: { zh: "内部审核检查表", en: "Internal audit checklists" }, period: { years: 10 }, disposition: "destroy" },
  permissions: { create: ["ip-manager"] },
  columns: ["clause", "departmentId", "auditorId", "plannedOn"],
  workflow: {
    initial: "planned",
    states: {
      planned: { zh: "待审核", en: "Planned" },
      audited: { zh: "已审核", en: "Audited" },
    },
    final: ["audited"],
    editable: ["planned"],
    transitions: [
      {
        action: "record",
        label: { zh: "记录审核结果", en: "Record the audit" },
        from: "planned",
        to: "audited",
        by: "auditorId",
        inputs: ["auditedOn", "lines", "summary"],
        requires: ["auditedOn", "lines"],
        guard: async (_item, _actor, next, t) => {
          if (!next.lines?.length) return "检查表至少要有一个检查项。 The checklist needs at least one line.";
          const bare = next.lines.findIndex((l) => l.judgement !== "conform" && !l.finding);
          if (bare >= 0) return `第 ${bare + 1} 项判定为不符合或观察项，须写明事实与证据。 Line ${bare + 1} does not conform: describe the facts and evidence.`;
          return auditorIndependence(t, [{ clause: next.clause, departmentId: next.departmentId, auditorId: next.auditorId }]);
        },
        // every line that does not conform is a finding: a nonconformity (or observation) to review
        effect: async (t, item) => {
          for (const line of item.data.lines ?? []) {
            if (line.judgement === "conform") continue;
            const nc = await createItemIn(
              t,
              NONCONFORMITY,
              {
                data: {
                  programme: item.data.programme,
                  source: item.number,
                  clause: item.data.clause,
                  departmentId: item.data.departmentId,
                  grade: line.judgement,
                  requirement: line.requirement,
                  description: line.finding!,
                  foundOn: item.data.auditedOn!,
                  auditorId: item.data.auditorId,
                },
                classification: item.classification,
              },
              item.data.auditorId,
            );
            await addItemLinkIn(t, item.id, { kind: "item", targetId: nc.id, relation: "审核发现 finding" }, item.data.auditorId);
          }
        },
      },
    ],
  },
});

/**
 * The audit report (13.2: 出具审核意见): the lead auditor signs it, the top manager approves it;
 * the numbers of findings by grade are counted from the programme's nonconformities when it is
 * signed off.
 */
export const auditReport = defineRecordType({
  id: REPORT,
  numberPrefix: "AR",
  title: { zh: "内部审核报告", en: "Internal audit report" },
  description: { zh: "审核组长签署、最高管理者批准的审核意见。", en: "The audit's conclusions, signed by the lead auditor and approved by the top manager." },
  clauses: ["13.2"],
  fields: {
    programme: text({ zh: "审核方案编号", en: "Programme" }, { maxLength: 40 }).indexed(),
    title: text({ zh: "名称", en: "Title" }),
    reportedOn: date({ zh: "报告日期", en: "Reported on" }),
    leadAuditorId: person({ zh: "审核组长", en: "Lead auditor" }, { roles: ["ip-manager", "ip-staff"] }),
    approverId: person({ zh: "批准人（最高管理者）", en: "Approver (top manager)" }, { roles: ["top-manager"] }),
    summary: longText({ zh: "审核概况", en: "Summary" }),
    conclusion: longText({ zh: "审核意见与结论", en: "Opinion and conclusion" }),
    majorCount: number({ zh: "严重不符合数", en: "Major nonconformities" }, { integer: true, min: 0 }).optional(),
    minorCount: number({ zh: "一般不符合数", en: "Minor nonconformities" }, { integer: true, min: 0 }).optional(),
    observationCount: number({ zh: "观察项数", en: "Observations" }, { integer: true, min: 0 }).optional(),
    findings: longText({ zh: "不符合项清单", en: "Findings" }).optional(),
  },
  describe: (m) => ({
    title: m.title,
    date: m.reportedOn,
    ownerId: m.leadAuditorId,
    people: [m.leadAuditorId, m.approverId],
    searchText: [m.programme, m.summary, m.conclusion, m.findings],
  }),
  classification: "internal",
  retention: { code: "IMP-AR", name: { zh: "内部审核报告", en: "Internal audit reports" }, period: { years: 10 }, disposition: "destroy" },
  permissions: { create: ["ip-manager"] },
  columns: ["programme", "reportedOn", "majorCount", "minorCount"],
  workflow: {
    initial: "draft",
    states: {
      draft: { zh: "草拟", en: "Draft" },
      approved: { zh: "已批准", en: "Approved" },
    },
    final: ["approved"],
    editable: ["draft"],
    transitions: [
      {
        action: "sign-off",
        label: { zh: "签署并报批", en: "Sign and submit for approval" },
        from: "draft",
        to: "approved",
        by: "leadAuditorId",
        roles: ["ip-manager"],
        // the findings are counted from the programme's nonconformities, not typed in
        compute: async (t, _item, next) => {
          const ncs = await itemsWithValue(t, NONCONFORMITY, "programme", next.programme);
          const count = (g: string) => ncs.filter((n) => (n.data as { grade: string }).grade === g).length;
          const findings = ncs.map((n) => {
            const d = n.data as { clause: string; grade: string; requirement: string };
            return `${n.number} 条款${d.clause} ${GRADES.find((g) => g.value === d.grade)?.label.zh ?? d.grade}：${d.requirement}`;
          });
          return { majorCount: count("major"), minorCount: count("minor"), observationCount: count("observation"), findings: findings.join("\n") || "无 None" };
        },
        sign: [
          { person: "leadAuditorId", meaning: "authored" },
          { person: "approverId", role: "top-manager", meaning: "approved", notThe: "leadAuditorId" },
        ],
      },
    ],
  },
});

