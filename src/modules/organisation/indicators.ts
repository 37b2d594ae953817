import type { Label } from "../../core/audit/events";
import type { TxContext } from "../../core/context";
import { listItemsByFields } from "../../core/items/service";
import { subjectsWithSignedTemplate } from "../../core/signatures/requests/view";
import { listStaff } from "../../core/users/service";

/** A measured value with what it was computed from. */
export interface IndicatorResult {
  value: number;
  numerator: number;
  denominator: number;
  /** How it was computed, in words (kept with the measurement). */
  basis: string;
}

/**
 * A named indicator: computes an objective's measured value from live data over the objective's
 * period, up to the day of the measurement. `unavailable` explains why it cannot be computed now.
 */
export interface Indicator {
  id: string;
  label: Label;
  unit: string;
  measure(t: TxContext, period: { from: string; to: string }): Promise<IndicatorResult | { unavailable: string }>;
}

const chinaDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
const percent = (n: number, d: number) => Math.round((1000 * n) / d) / 10;

/** The IP declaration template (templates/ip-declaration): a completed request of it, with the employee as its subject, is their signed declaration. */
export const IP_DECLARATION_TEMPLATE = "ip-declaration";
/** The improvement module's corrective actions (13.5), when that module is installed. */
export const CORRECTIVE_ACTION_TYPE = "improvement.corrective-action";

/** Of the employees who joined in the period, the share whose IP declaration is signed (7.1 新员工知识产权声明). */
const ipDeclarationsSigned: Indicator = {
  id: "ip-declarations-signed",
  label: { zh: "新入职员工签署知识产权声明比例", en: "Employees hired in the period with a signed IP declaration" },
  unit: "%",
  async measure(t, { from, to }) {
    const hired = (await listStaff(t)).filter((u) => u.roles.includes("employee") && chinaDay(u.createdAt) >= from && chinaDay(u.createdAt) <= to);
    if (!hired.length) return { unavailable: `No employee joined between ${from} and ${to}, so there is no share to compute.` };
    const signed = await subjectsWithSignedTemplate(t, IP_DECLARATION_TEMPLATE, hired.map((u) => u.id));
    return {
      value: percent(signed.size, hired.length),
      numerator: signed.size,
      denominator: hired.length,
      basis: `${signed.size} of ${hired.length} employees who joined between ${from} and ${to} have a completed ${IP_DECLARATION_TEMPLATE} signature request.`,
    };
  },
};

/** Of the corrective actions due in the period (up to today), the share closed by their due date (13.5). */
const correctiveActionsOnTime: Indicator = {
  id: "corrective-actions-on-time",
  label: { zh: "纠正措施按期关闭率", en: "Corrective actions closed on time" },
  unit: "%",
  async measure(t, { from, to }) {
    const type = t.registry.recordType(CORRECTIVE_ACTION_TYPE);
    if (!type) return { unavailable: `Corrective actions (${CORRECTIVE_ACTION_TYPE}) are not installed in this Custos, so their closure rate cannot be computed.` };
    const today = chinaDay(t.clock.now());
    const until = to < today ? to : today;
    let onTime = 0;
    let late = 0;
    for (const row of await listItemsByFields(t.db, type.id)) {
      // the action's own deadline (its dueOn field); the item's due column may have moved on to a later step's (an effectiveness review)
      const field = (row.data as Record<string, unknown>).dueOn;
      const due = typeof field === "string" ? field : row.dueOn;
      if (!due || due < from || due > until) continue;
      const closedOn = row.closedAt ? chinaDay(row.closedAt) : null;
      if (closedOn && closedOn <= due) onTime++;
      else if (closedOn || due < today) late++;
    }
    const total = onTime + late;
    if (!total) return { unavailable: `No corrective action was due between ${from} and ${until}.` };
    return {
      value: percent(onTime, total),
      numerator: onTime,
      denominator: total,
      basis: `${onTime} of ${total} corrective actions due between ${from} and ${until} were closed by their due date.`,
    };
  },
};

/** The indicators an objective may be measured by. */
export const INDICATORS: readonly Indicator[] = [ipDeclarationsSigned, correctiveActionsOnTime];

export function indicatorOf(id: string): Indicator | undefined {
  return INDICATORS.find((i) => i.id === id);
}
