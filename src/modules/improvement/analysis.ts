import type { TxContext } from "../../core/context";
import { defineRecordType, type ItemState } from "../../core/items/define";
import { date, list, longText, number, person, text, yesNo, type Field } from "../../core/items/fields";
import { chinaToday, SOURCE_TYPES, stateName, visibleItemsOf } from "./sources";

const basisLine = {
  source: text({ zh: "来源", en: "Source" }, { maxLength: 120 }),
  reference: text({ zh: "编号", en: "Reference" }, { maxLength: 120 }),
  summary: text({ zh: "内容", en: "Summary" }, { maxLength: 500 }),
};

const fields = {
  title: text({ zh: "报告名称", en: "Title" }),
  periodFrom: date({ zh: "分析期间自", en: "Period from" }),
  periodTo: date({ zh: "分析期间至", en: "Period to" }),
  topManagerId: person({ zh: "报告对象（最高管理者）", en: "Reported to (top manager)" }, { roles: ["top-manager"] }),
  external: yesNo({ zh: "委托外部机构分析", en: "Analysed by an external body" }),
  externalBody: text({ zh: "外部机构名称", en: "External body" }).optional(),
  effects: longText({ zh: "体系实施取得的效果", en: "What the system achieved" }),
  problems: longText({ zh: "存在的问题与不足", en: "Problems and shortcomings" }),
  suggestions: longText({ zh: "改进意见（目标调整或体系修正）", en: "Improvements proposed (objectives or the system)" }),
  basis: list(basisLine, { zh: "分析依据：审核意见与监督检查结果（系统汇编）", en: "Basis: audit opinions and inspection results (compiled)" }).computed(),
  basisCount: number({ zh: "依据记录数", en: "Records analysed" }, { integer: true, min: 0 }).computed(),
  reportedOn: date({ zh: "报告日期", en: "Reported on" }).computed(),
};

type Analysis = { [K in keyof typeof fields]: (typeof fields)[K] extends Field<infer T> ? T : never };

/** The audit reports and inspection records of the period (13.4.1), as the person reporting sees them and no more secret than the report. */
async function compileBasis(t: TxContext, item: ItemState<Analysis>): Promise<Partial<Analysis>> {
  const lines: { source: string; reference: string; summary: string }[] = [];
  for (const typeId of [SOURCE_TYPES.auditReport, SOURCE_TYPES.inspection]) {
    const found = await visibleItemsOf(t, typeId, item.classification, { from: item.data.periodFrom, to: item.data.periodTo });
    for (const r of found?.items ?? []) lines.push({ source: found!.type.title.zh, reference: r.number, summary: `${r.title}（${r.itemDate}，${stateName(found!.type, r.state)}）`.slice(0, 500) });
  }
  return { basis: lines, basisCount: lines.length, reportedOn: chinaToday(t) };
}

/**
 * An analysis report to top management (13.4): what the system achieved and where it falls short,
 * from the period's audit opinions and inspection results (compiled when it is reported), possibly
 * by an external body (13.4.2), acknowledged by the top manager with a signature (13.4.3).
 */
export const analysisReport = defineRecordType({
  id: "improvement.analysis-report",
  numberPrefix: "AN",
  title: { zh: "体系分析报告", en: "Analysis report" },
  description: { zh: "根据审核意见和监督检查结果对体系实施效果与不足的分析，及时报告最高管理者。", en: "Analysis of the system's results and shortcomings from audits and inspections, reported to the top manager." },
  clauses: ["13.4", "13.4.1", "13.4.2", "13.4.3"],
  fields,
  describe: (m) => ({
    title: m.title,
    date: m.periodTo,
    ownerId: m.topManagerId,
    people: [m.topManagerId],
    searchText: [m.externalBody, m.effects, m.problems, m.suggestions],
  }),
  classification: "internal",
  retention: { code: "IMP-AN", name: { zh: "体系分析报告", en: "Analysis reports" }, period: { years: 10 }, disposition: "review" },
  permissions: { create: ["ip-manager", "ip-staff"] },
  columns: ["periodTo", "topManagerId"],
  workflow: {
    initial: "draft",
    states: {
      draft: { zh: "草稿", en: "Draft" },
      reported: { zh: "已报告最高管理者", en: "Reported to the top manager" },
      acknowledged: { zh: "最高管理者已批阅", en: "Acknowledged by the top manager" },
    },
    final: ["acknowledged"],
    transitions: [
      {
        action: "report",
        label: { zh: "报告最高管理者", en: "Report to the top manager" },
        from: "draft",
        to: "reported",
        roles: ["ip-manager"],
        guard: (item) =>
          item.data.periodFrom > item.data.periodTo
            ? `The period starts (${item.data.periodFrom}) after it ends (${item.data.periodTo}).`
            : item.data.external && !item.data.externalBody
              ? "Name the external body that analysed the system (13.4.2: 委托外部机构分析的，须写明机构名称)."
              : null,
        compute: (t, item) => compileBasis(t, item),
      },
      {
        action: "acknowledge",
        label: { zh: "最高管理者批阅", en: "Acknowledge" },
        from: "reported",
        to: "acknowledged",
        by: "topManagerId",
        sign: [{ person: "topManagerId", role: "top-manager", meaning: "acknowledged" }],
      },
      { action: "return", label: { zh: "退回修改", en: "Send back" }, from: "reported", to: "draft", by: "topManagerId", comment: "required" },
    ],
  },
});
