import type { ItemRow } from "../../db/schema/items";
import { requireRole } from "../../core/auth/guard";
import { inTransaction, type ServiceContext } from "../../core/context";
import { DomainError, notFound } from "../../core/errors";
import { createItemIn, listItemsByFields, loadVisibleItem } from "../../core/items/service";
import { listStaff } from "../../core/users/service";
import { INDICATORS } from "./indicators";
import { objective, measurement } from "./objective";
import { policy, policyAcknowledgement } from "./policy";

const chinaDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/** The current policy: the one issued last (null before the first is issued). */
export async function currentPolicy(db: ServiceContext["db"]): Promise<ItemRow | null> {
  const issued = (await listItemsByFields(db, policy.id)).filter((i) => i.state === "issued" && i.closedAt);
  issued.sort((a, b) => b.closedAt!.getTime() - a.closedAt!.getTime());
  return issued[0] ?? null;
}

async function policyOf(ctx: ServiceContext, id: string, lock = false) {
  const loaded = await loadVisibleItem(ctx, id, lock);
  if (loaded.item.type !== policy.id) throw notFound("The policy");
  return loaded;
}

/**
 * The caller acknowledges the current revision of the policy (once): an acknowledgement record is
 * made in their name. An earlier revision, a draft, or a second acknowledgement is refused.
 */
export async function acknowledgePolicy(ctx: ServiceContext, id: string): Promise<ItemRow> {
  const { p } = await policyOf(ctx, id);
  return inTransaction(ctx, async (t) => {
    // the policy row is locked: two acknowledgements by the same person at once make one
    const { item } = await policyOf(t as never, id, true);
    if (item.state !== "issued") throw new DomainError("INVALID_STATE", "Only an issued policy can be acknowledged; this one is still a draft.");
    const current = await currentPolicy(t.db);
    if (current?.id !== item.id) {
      throw new DomainError("INVALID_STATE", `Revision ${String((item.data as Record<string, unknown>).revision)} has been replaced by ${current?.number ?? "a later one"}; acknowledge the current policy.`, { current: current?.id });
    }
    const [already] = await listItemsByFields(t.db, policyAcknowledgement.id, { policyId: id, userId: p.id }, 1);
    if (already) throw new DomainError("CONFLICT", `You acknowledged this policy on ${already.itemDate} (${already.number}).`, { acknowledgement: already.id });
    const data = item.data as Record<string, string>;
    return createItemIn(t, policyAcknowledgement.id, { data: { policyId: id, revision: data.revision, userId: p.id, acknowledgedOn: chinaDay(t.clock.now()) } }, p.id);
  });
}

/** Staff, for the acknowledgement campaign: every active person except those who are only auditors. */
async function staff(ctx: ServiceContext) {
  return (await listStaff(ctx)).filter((u) => u.active && u.roles.some((r) => r !== "auditor"));
}

/**
 * Who has and who has not yet acknowledged a revision of the policy, computed now over all active
 * staff (the IP function, the top manager and admins).
 */
export async function policyCoverage(ctx: ServiceContext, id: string) {
  requireRole(ctx, "admin", "top-manager", "ip-manager", "ip-staff");
  const { item } = await policyOf(ctx, id);
  const current = await currentPolicy(ctx.db);
  const people = await staff(ctx);
  const acks = new Map((await listItemsByFields(ctx.db, policyAcknowledgement.id, { policyId: id })).map((a) => [(a.data as Record<string, string>).userId!, a]));
  const acknowledged = people.filter((u) => acks.has(u.id)).map((u) => ({ userId: u.id, displayName: u.displayName, departmentId: u.departmentId, acknowledgedOn: acks.get(u.id)!.itemDate, number: acks.get(u.id)!.number }));
  const notYet = people.filter((u) => !acks.has(u.id)).map((u) => ({ userId: u.id, displayName: u.displayName, departmentId: u.departmentId }));
  return {
    policy: { id: item.id, number: item.number, revision: String((item.data as Record<string, unknown>).revision), state: item.state, current: current?.id === item.id },
    staff: people.length,
    acknowledgedCount: acknowledged.length,
    coverage: people.length ? Math.round((1000 * acknowledged.length) / people.length) / 10 : 0,
    acknowledged,
    notYet,
  };
}

/** The measurements of an objective the caller may see, newest first. */
export async function listMeasurements(ctx: ServiceContext, objectiveId: string): Promise<ItemRow[]> {
  const { item } = await loadVisibleItem(ctx, objectiveId);
  if (item.type !== objective.id) throw notFound("The objective");
  return listItemsByFields(ctx.db, measurement.id, { objectiveId });
}

/** The indicators objectives may be measured by. */
export function listIndicators() {
  return INDICATORS.map((i) => ({ id: i.id, label: i.label, unit: i.unit }));
}
