import type { ItemRow } from "../../db/schema/items";
import { requirePrincipal } from "../../core/auth/guard";
import { classificationRank, hasRole, readableClassifications, type Classification } from "../../core/auth/permissions";
import { countContractsByStatus } from "../../core/contracts/service";
import { contractStatusLabels } from "../../core/contracts/vocabulary";
import type { TxContext } from "../../core/context";
import type { RecordType } from "../../core/items/define";
import type { Field } from "../../core/items/fields";
import { listItemsOfType } from "../../core/items/service";
import { listCaseFiles } from "../../core/records/cases";
import { caseKindLabels, RECORD_READ_ROLES } from "../../core/records/vocabulary";
import { displayNamesOf } from "../../core/users/service";

/**
 * Live data of the instance as a review or an analysis compiles it: the items of other modules'
 * types (when those types are installed), contracts and cases, read through the core's services
 * with the visibility of the person compiling, and never more secret than the item being compiled
 * (a review's readers must not learn from it what they may not read themselves).
 */

/** The type ids this module reads when they are installed (their modules may be absent). */
export const SOURCE_TYPES = {
  policy: "organisation.policy",
  objective: "organisation.objective",
  auditReport: "improvement.audit-report",
  nonconformity: "improvement.nonconformity",
  correctiveAction: "improvement.corrective-action",
  inspection: "improvement.inspection",
} as const;

/** The levels the person compiling may read, up to `ceiling`. */
function levelsUpTo(t: TxContext, ceiling: Classification): Classification[] {
  const p = requirePrincipal(t);
  return readableClassifications(p).filter((c) => classificationRank(c) <= classificationRank(ceiling));
}

/** Up to this many items of one type are listed; counts are exact beyond it. */
export const LISTED = 200;

/**
 * One installed type's items the person compiling may see, no more secret than `ceiling`, in the
 * given states (default: all) and period (null: the type is not installed). `total` counts every
 * match; `items` holds the first {@link LISTED}.
 */
export async function visibleItemsOf(
  t: TxContext,
  typeId: string,
  ceiling: Classification,
  filter: { from?: string; to?: string; states?: readonly string[]; dueBefore?: string } = {},
): Promise<{ type: RecordType<any>; items: ItemRow[]; total: number } | null> {
  const type = t.registry.recordType(typeId);
  if (!type) return null;
  const items: ItemRow[] = [];
  let total = 0;
  const { states, ...rest } = filter;
  for (const state of states ?? [undefined]) {
    for (const classification of levelsUpTo(t, ceiling)) {
      const found = await listItemsOfType(t, typeId, { classification, state, limit: LISTED, offset: 0, ...rest });
      items.push(...found.items);
      total += found.total;
    }
  }
  items.sort((a, b) => a.number.localeCompare(b.number));
  return { type, items: items.slice(0, LISTED), total };
}

/** The states of a type in which its items are still open (not final). */
export function openStates(type: RecordType<any>): string[] {
  const final = new Set(type.workflow?.final ?? []);
  return Object.keys(type.workflow?.states ?? {}).filter((s) => !final.has(s));
}

/** A line saying how many more there are than those listed. */
function more(input: string, source: string, total: number, listed: number): CompiledLine[] {
  return total > listed ? [{ input, source, summary: `另有 ${total - listed} 项未逐项列出（共 ${total} 项）。` }] : [];
}

/** A state's name (Chinese first). */
export function stateName(type: RecordType<any>, state: string): string {
  return type.workflow?.states[state]?.zh ?? state;
}

/** The value of a choice field as its Chinese label (e.g. an objective's status: 正常 / 有风险 / 偏离). */
export function choiceName(type: RecordType<any>, field: string, value: unknown): string | null {
  const f = type.fields[field] as Field<any> | undefined;
  if (value === undefined || value === null) return null;
  return f?.options.choices?.find((c) => c.value === value)?.label.zh ?? String(value);
}


/** One line of compiled input: which input it belongs to, where it came from, its reference and what it says. */
export interface CompiledLine {
  input: string;
  source: string;
  reference?: string;
  summary: string;
}

const clip = (s: string, max = 480) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** Policies and objectives (13.2.1 a): each with its state, objectives with their status. */
export async function policyAndObjectives(t: TxContext, ceiling: Classification, input: string): Promise<{ lines: CompiledLine[]; objectivesOffTrack: number | null }> {
  const lines: CompiledLine[] = [];
  const policies = await visibleItemsOf(t, SOURCE_TYPES.policy, ceiling);
  for (const p of policies?.items ?? []) {
    lines.push({ input, source: policies!.type.title.zh, reference: p.number, summary: clip(`${p.title}（${stateName(policies!.type, p.state)}）`) });
  }
  const objectives = await visibleItemsOf(t, SOURCE_TYPES.objective, ceiling);
  let offTrack: number | null = null;
  if (policies) lines.push(...more(input, policies.type.title.zh, policies.total, policies.items.length));
  if (objectives) {
    // counted among those listed (the first 200): a status is in the metadata, not a column to count by
    offTrack = 0;
    for (const o of objectives.items) {
      const status = (o.data as Record<string, unknown>).status;
      if (status === "off-track" || status === "at-risk") offTrack++;
      const named = choiceName(objectives.type, "status", status);
      lines.push({ input, source: objectives.type.title.zh, reference: o.number, summary: clip(`${o.title}（${stateName(objectives.type, o.state)}${named ? `；${named}` : ""}）`) });
    }
    lines.push(...more(input, objectives.type.title.zh, objectives.total, objectives.items.length));
  }
  if (!policies && !objectives) lines.push({ input, source: "Custos", summary: "本系统未安装方针与目标模块，评审输入由人工填写。" });
  else if (!lines.length) lines.push({ input, source: "Custos", summary: "尚无可见的方针与目标记录。" });
  return { lines, objectivesOffTrack: offTrack };
}

/** The IP situation (13.2.1 c): contracts by status and open cases (disputes are risks), as far as the person compiling may see. */
export async function ipSituation(t: TxContext, ceiling: Classification, input: string): Promise<CompiledLine[]> {
  const p = requirePrincipal(t);
  const allowed = new Set(levelsUpTo(t, ceiling));
  const lines: CompiledLine[] = [];
  // every entry counted, not one page of the register
  const byStatus = await countContractsByStatus(t, [...allowed]);
  const total = [...byStatus.values()].reduce((a, b) => a + b, 0);
  lines.push({
    input,
    source: "合同 Contracts",
    summary: total
      ? `合同共 ${total} 份：${[...byStatus].map(([s, n]) => `${contractStatusLabels[s as keyof typeof contractStatusLabels]?.zh ?? s} ${n}`).join("，")}。`
      : "尚无可见的合同。",
  });
  if (hasRole(p, ...RECORD_READ_ROLES)) {
    const open = (await listCaseFiles(t)).filter((c) => c.status !== "closed" && allowed.has(c.classification as Classification));
    for (const c of open) {
      lines.push({ input, source: "案件 Cases", reference: c.number, summary: clip(`${c.title}（${caseKindLabels[c.kind as keyof typeof caseKindLabels]?.zh ?? c.kind}，未结）`) });
    }
    if (!open.length) lines.push({ input, source: "案件 Cases", summary: "无未结的知识产权纠纷案件。" });
  }
  return lines;
}

/** Earlier audits and open corrective actions (13.2.1 e): audit reports, open nonconformities, open corrective actions with owner and due date. */
export async function auditResults(
  t: TxContext,
  ceiling: Classification,
  input: string,
  today: string,
): Promise<{ lines: CompiledLine[]; openCorrectiveActions: number | null; overdueCorrectiveActions: number | null }> {
  const lines: CompiledLine[] = [];
  const reports = await visibleItemsOf(t, SOURCE_TYPES.auditReport, ceiling);
  for (const r of reports?.items ?? []) lines.push({ input, source: reports!.type.title.zh, reference: r.number, summary: clip(`${r.title}（${r.itemDate}，${stateName(reports!.type, r.state)}）`) });
  if (reports) lines.push(...more(input, reports.type.title.zh, reports.total, reports.items.length));
  const findingsType = t.registry.recordType(SOURCE_TYPES.nonconformity);
  const findings = findingsType ? await visibleItemsOf(t, findingsType.id, ceiling, { states: openStates(findingsType) }) : null;
  for (const f of findings?.items ?? []) lines.push({ input, source: findings!.type.title.zh, reference: f.number, summary: clip(`${f.title}（${stateName(findings!.type, f.state)}）`) });
  if (findings) lines.push(...more(input, findings.type.title.zh, findings.total, findings.items.length));
  const actionType = t.registry.recordType(SOURCE_TYPES.correctiveAction);
  let open: number | null = null;
  let overdue: number | null = null;
  if (actionType) {
    const actions = (await visibleItemsOf(t, actionType.id, ceiling, { states: openStates(actionType) }))!;
    const late = await visibleItemsOf(t, actionType.id, ceiling, { states: openStates(actionType), dueBefore: addDays(today, -1) });
    const names = await displayNamesOf(t, actions.items.map((a) => a.ownerId ?? "").filter(Boolean));
    open = actions.total;
    overdue = late!.total;
    for (const a of actions.items) {
      const lateMark = a.dueOn && a.dueOn < today ? "，已逾期" : "";
      const owner = a.ownerId ? `，责任人 ${names.get(a.ownerId) ?? a.ownerId}` : "";
      lines.push({ input, source: actionType.title.zh, reference: a.number, summary: clip(`${a.title}（${stateName(actionType, a.state)}${owner}${a.dueOn ? `，期限 ${a.dueOn}` : ""}${lateMark}）`) });
    }
    lines.push(...more(input, actionType.title.zh, actions.total, actions.items.length));
  }
  if (!reports && !findings && !actionType) lines.push({ input, source: "Custos", summary: "本系统未安装内部审核模块，前期审核结果由人工填写。" });
  else if (!lines.length) lines.push({ input, source: "Custos", summary: "无前期审核报告，亦无未关闭的不符合项与纠正措施。" });
  return { lines, openCorrectiveActions: open, overdueCorrectiveActions: overdue };
}

/** The China-time day of the transaction's clock. */
export const chinaToday = (t: TxContext) => new Date(t.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);


const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
