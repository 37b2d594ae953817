import { hasRole } from "../../core/auth/permissions";
import type { ServiceContext } from "../../core/context";
import { listItemsOfType } from "../../core/items/service";
import type { WorkContribution } from "../../core/work";
import { PROGRAMME } from "./audit";

const AREA = { zh: "改进", en: "Improvement" };

/**
 * The improvement module's own work for IP managers (13.2): the year's internal audit programme
 * while none exists yet. Checklists, findings and corrective actions come through their workflows.
 */
export async function improvementWorkItems(ctx: ServiceContext): Promise<WorkContribution> {
  const p = ctx.principal;
  if (!p || !hasRole(p, "ip-manager")) return {};
  const year = new Date(ctx.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 4);
  const programmes = await listItemsOfType(ctx, PROGRAMME, { from: `${year}-01-01`, to: `${year}-12-31`, limit: 1, offset: 0 });
  if (programmes.total > 0) return {};
  return {
    waiting: [
      {
        area: AREA,
        title: { zh: `制定 ${year} 年度内部审核方案`, en: `Draw up the ${year} internal audit programme` },
        href: "/m/improvement/audit-programme/new",
        dueOn: `${year}-12-31`,
      },
    ],
  };
}
