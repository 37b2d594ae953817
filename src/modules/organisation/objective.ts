import type { TxContext } from "../../core/context";
import { defineRecordType, type ItemState } from "../../core/items/define";
import { choice, date, department, longText, number, person, text, type RowOf } from "../../core/items/fields";
import { createItemIn, loadVisibleItem } from "../../core/items/service";
import { DomainError } from "../../core/errors";
import { INDICATORS, indicatorOf } from "./indicators";

export const STATUSES = [
  { value: "on-track", label: { zh: "正常", en: "On track" } },
  { value: "at-risk", label: { zh: "有风险", en: "At risk" } },
  { value: "off-track", label: { zh: "偏离", en: "Off track" } },
] as const;
export type ObjectiveStatus = (typeof STATUSES)[number]["value"];

/** Within this share of the target short of it, an objective is at risk; further, off track. */
export const AT_RISK_MARGIN = 0.1;

/**
 * The status of a measured value against its target: reached (or passed in the right direction)
 * is on track; short of it by no more than 10 % of the target, at risk; further, off track.
 */
export function statusOf(value: number, target: number, direction: "up" | "down"): ObjectiveStatus {
  const margin = Math.abs(target) * AT_RISK_MARGIN;
  const shortBy = direction === "up" ? target - value : value - target;
  if (shortBy <= 0) return "on-track";
  return shortBy <= margin ? "at-risk" : "off-track";
}

const chinaDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/** The item if the person taking the step may see it, else null (its existence is not theirs to learn). */
async function visibleItem(t: TxContext, id: string) {
  try {
    return (await loadVisibleItem(t as never, id)).item;
  } catch (err) {
    if (err instanceof DomainError && err.code === "NOT_FOUND") return null;
    throw err;
  }
}

const fields = {
  title: text({ zh: "目标", en: "Objective" }, { maxLength: 200 }),
  description: longText({ zh: "说明", en: "Description" }).optional(),
  target: number({ zh: "目标值", en: "Target" }),
  unit: text({ zh: "单位", en: "Unit" }, { maxLength: 20 }),
  direction: choice(
    [
      { value: "up", label: { zh: "越高越好", en: "Higher is better" } },
      { value: "down", label: { zh: "越低越好", en: "Lower is better" } },
    ],
    { zh: "方向", en: "Direction" },
  ),
  periodStart: date({ zh: "考核期开始", en: "Period from" }),
  periodEnd: date({ zh: "考核期结束", en: "Period to" }),
  parentId: text({ zh: "上级目标", en: "Parent objective" }, { maxLength: 100 }).indexed().optional(),
  ownerId: person({ zh: "责任人", en: "Owner" }),
  departmentId: department({ zh: "责任部门", en: "Department" }).optional(),
  indicator: choice(
    INDICATORS.map((i) => ({ value: i.id, label: i.label })),
    { zh: "计算指标", en: "Indicator" },
    { help: { zh: "不选则手工填报测量值", en: "Leave empty to enter measurements by hand" } },
  ).optional(),
  value: number({ zh: "本次测量值", en: "Measured value" }).optional(),
  measuredOn: date({ zh: "测量日期", en: "Measured on" }).optional(),
  measurementNote: text({ zh: "测量说明", en: "Measurement note" }, { maxLength: 1000 }).optional(),
  lastValue: number({ zh: "最近测量值", en: "Latest value" }).optional(),
  lastMeasuredOn: date({ zh: "最近测量日期", en: "Latest measured on" }).optional(),
  lastBasis: text({ zh: "最近测量依据", en: "Latest measurement basis" }, { maxLength: 1000 }).optional(),
  status: choice(STATUSES, { zh: "状态", en: "Status" }).indexed().optional(),
  evaluation: longText({ zh: "评价结论", en: "Evaluation" }).optional(),
};
type Objective = RowOf<typeof fields>;

/** Refuses an assignment whose parent is not an objective the person can see, itself, its own descendant or outside the parent's period. */
async function checkParent(item: ItemState<any>, next: Record<string, any>, t: TxContext): Promise<string | null> {
  if (next.periodEnd < next.periodStart) return "The period ends before it starts.";
  if (!next.parentId) return null;
  let parent = await visibleItem(t, next.parentId);
  if (!parent || parent.type !== "organisation.objective") return `There is no objective ${next.parentId} to cascade this one from.`;
  const p = parent.data as Record<string, string>;
  if (next.periodStart < p.periodStart! || next.periodEnd > p.periodEnd!) return `The period ${next.periodStart}–${next.periodEnd} is not within its parent's (${p.periodStart}–${p.periodEnd}).`;
  for (let depth = 0; parent && depth < 50; depth++) {
    if (parent.id === item.id) return "An objective cannot be cascaded from itself or from one of its own sub-objectives.";
    const up: string | undefined = (parent.data as Record<string, string>).parentId;
    parent = up ? await visibleItem(t, up) : null;
  }
  return null;
}

/**
 * An IP objective (4.2.2): measurable (target, unit, direction, period), cascaded from a parent
 * objective to departments, acknowledged by its owner, measured periodically — by hand or by a
 * named indicator computed from live data — with its status computed from the latest measurement
 * against the target, and evaluated at the end of its period (the evaluation is its record).
 */
export const objective = defineRecordType({
  id: "organisation.objective",
  numberPrefix: "OBJ",
  title: { zh: "知识产权目标", en: "IP objective" },
  clauses: ["4.2.2"],
  fields,
  describe: (m) => ({
    title: m.title,
    date: m.periodStart,
    dueOn: m.periodEnd,
    ownerId: m.ownerId,
    departmentId: m.departmentId,
    people: [m.ownerId],
    searchText: [m.description, m.evaluation],
  }),
  classification: "internal",
  retention: { code: "ORG-OBJ", period: { years: 10 }, disposition: "destroy" },
  permissions: { create: ["ip-manager", "top-manager"] },
  columns: ["target", "unit", "periodEnd", "ownerId", "status", "lastValue"],
  workflow: {
    initial: "draft",
    states: {
      draft: { zh: "草拟", en: "Draft" },
      assigned: { zh: "已下达", en: "Assigned" },
      active: { zh: "执行中", en: "In progress" },
      evaluated: { zh: "已评价", en: "Evaluated" },
    },
    final: ["evaluated"],
    transitions: [
      {
        action: "assign",
        label: { zh: "下达", en: "Assign" },
        from: "draft",
        to: "assigned",
        roles: ["ip-manager", "top-manager"],
        guard: (item, _actor, next, t) => checkParent(item, next, t),
        // measurements and the status come only from the measure step, whatever a draft said
        compute: async () => ({ value: undefined, measuredOn: undefined, measurementNote: undefined, lastValue: undefined, lastMeasuredOn: undefined, lastBasis: undefined, status: undefined, evaluation: undefined }),
      },
      { action: "acknowledge", label: { zh: "责任人确认", en: "Acknowledge" }, from: "assigned", to: "active", by: "ownerId" },
      {
        action: "measure",
        label: { zh: "填报测量", en: "Record a measurement" },
        from: "active",
        to: "active",
        roles: ["ip-manager", "ip-staff"],
        by: "ownerId",
        inputs: ["value", "measuredOn", "measurementNote"],
        compute: async (t, item, next) => measure(t, item as ItemState<Objective>, next as Objective),
        effect: async (t, item) => {
          const d = item.data as Objective;
          await createItemIn(
            t,
            "organisation.measurement",
            {
              data: {
                objectiveId: item.id,
                objectiveTitle: `${item.number} ${d.title}`,
                value: d.lastValue,
                unit: d.unit,
                measuredOn: d.lastMeasuredOn,
                status: d.status,
                source: d.lastBasis ? "indicator" : "manual",
                ...(d.lastBasis ? { basis: d.lastBasis, indicator: d.indicator } : {}),
                ...(d.measurementNote ? { note: d.measurementNote } : {}),
              },
              classification: item.classification,
            },
            t.principal?.id ?? item.createdBy,
          );
        },
      },
      {
        action: "evaluate",
        label: { zh: "评价", en: "Evaluate" },
        from: "active",
        to: "evaluated",
        roles: ["ip-manager", "top-manager"],
        inputs: ["evaluation"],
        requires: ["evaluation"],
        guard: (item) => (item.data.lastValue === undefined ? "An objective is evaluated against its measurements: record one first." : null),
      },
    ],
  },
});

/** The measure step: the value entered, or computed by the objective's indicator; then the status against the target. */
async function measure(t: TxContext, item: ItemState<Objective>, next: Objective): Promise<Partial<Objective>> {
  const measuredOn = next.measuredOn ?? chinaDay(t.clock.now());
  if (measuredOn < next.periodStart) throw new DomainError("VALIDATION_FAILED", `A measurement on ${measuredOn} is before the objective's period (from ${next.periodStart}).`, { field: "measuredOn" });
  const note = next.measurementNote !== item.data.measurementNote ? next.measurementNote : undefined;
  let value = next.value;
  let basis: string | undefined;
  if (value === undefined) {
    const indicator = next.indicator ? indicatorOf(next.indicator) : undefined;
    if (!indicator) throw new DomainError("VALIDATION_FAILED", "Enter the measured value: this objective has no indicator to compute it from.", { field: "value" });
    const result = await indicator.measure(t, { from: next.periodStart, to: measuredOn < next.periodEnd ? measuredOn : next.periodEnd });
    if ("unavailable" in result) throw new DomainError("UNPROCESSABLE", `${indicator.label.en}: ${result.unavailable}`, { indicator: indicator.id });
    value = result.value;
    basis = result.basis;
  }
  return { value: undefined, measuredOn: undefined, measurementNote: note, lastValue: value, lastMeasuredOn: measuredOn, lastBasis: basis, status: statusOf(value, next.target, next.direction) };
}

/** One measurement of an objective, made by its measure step (never created directly); kept as a record. */
export const measurement = defineRecordType({
  id: "organisation.measurement",
  numberPrefix: "MEA",
  title: { zh: "目标测量记录", en: "Objective measurement" },
  clauses: ["4.2.2"],
  fields: {
    objectiveId: text({ zh: "目标", en: "Objective" }, { maxLength: 100 }).indexed(),
    objectiveTitle: text({ zh: "目标名称", en: "Objective title" }, { maxLength: 320 }),
    value: number({ zh: "测量值", en: "Value" }),
    unit: text({ zh: "单位", en: "Unit" }, { maxLength: 20 }),
    measuredOn: date({ zh: "测量日期", en: "Measured on" }),
    status: choice(STATUSES, { zh: "状态", en: "Status" }),
    source: choice(
      [
        { value: "manual", label: { zh: "手工填报", en: "Entered by hand" } },
        { value: "indicator", label: { zh: "指标计算", en: "Computed by an indicator" } },
      ],
      { zh: "来源", en: "Source" },
    ),
    indicator: text({ zh: "指标", en: "Indicator" }, { maxLength: 100 }).optional(),
    basis: text({ zh: "计算依据", en: "Basis" }, { maxLength: 1000 }).optional(),
    note: text({ zh: "说明", en: "Note" }, { maxLength: 1000 }).optional(),
  },
  describe: (m) => ({ title: `${m.objectiveTitle}：${m.value}${m.unit}`, date: m.measuredOn, searchText: [m.basis, m.note] }),
  classification: "internal",
  retention: { code: "ORG-OBJ-MEA", period: { years: 10 }, disposition: "destroy" },
  permissions: { create: [] },
  columns: ["objectiveTitle", "value", "measuredOn", "status", "source"],
});
