import { requireRole } from "../auth/guard";
import type { ServiceContext } from "../context";
import { eventVisibleTo, findHead, queryEvents, type AuditQuery } from "./repo";
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
