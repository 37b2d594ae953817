import { requireRole } from "../auth/guard";
import type { ServiceContext } from "../context";
import { countEvents, eventVisibleTo, findHead, queryEvents, type AuditQuery } from "./repo";
import { verifyAuditChain } from "./service";

/**
 * Whole-chain verification reveals no content, only whether the chain holds: admins and auditors
 * may run it.
 */
/** The chain's length and last hash, for the people who may verify it. */
export async function auditChainHead(ctx: ServiceContext) {
  requireRole(ctx, "admin", "auditor");
  return findHead(ctx.db);
}

export async function verifyAuditChainFor(ctx: ServiceContext) {
  requireRole(ctx, "admin", "auditor");
  return verifyAuditChain(ctx.db);
}

/**
 * The trail for admins, without events about objects above their clearance (unless granted by
 * name): classification holds in audit listings too.
 */
export async function listAuditEvents(ctx: ServiceContext, query: AuditQuery) {
  const p = requireRole(ctx, "admin");
  return queryEvents(ctx.db, query, eventVisibleTo(ctx.registry, p));
}

/**
 * A page of the trail for the viewer: reads (see `AuditEventType.read`) are left out unless
 * `reads` is set or the filter asks for one action, and counted over the span of the page.
 */
export async function auditTrailPage(ctx: ServiceContext, query: AuditQuery, options: { reads: boolean }) {
  const p = requireRole(ctx, "admin");
  const visible = eventVisibleTo(ctx.registry, p);
  const hide = options.reads || query.action ? [] : ctx.registry.readActions;
  const events = await queryEvents(ctx.db, { ...query, excludeActions: hide }, visible);
  const full = events.length === query.limit;
  const fromSeq = full ? events[events.length - 1]!.seq : undefined;
  const hiddenReads = hide.length ? await countEvents(ctx.db, { ...query, actions: hide, fromSeq }, visible) : 0;
  return { events, hiddenReads };
}
