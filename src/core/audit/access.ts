import { requireRole } from "../auth/guard";
import type { ServiceContext } from "../context";
import { queryEvents, type AuditQuery } from "./repo";
import { verifyAuditChain } from "./service";

/**
 * Whole-chain verification reveals no content, only whether the chain holds: admins and auditors
 * may run it.
 */
export async function verifyAuditChainFor(ctx: ServiceContext) {
  requireRole(ctx, "admin", "auditor");
  return verifyAuditChain(ctx.db);
}

/**
 * The raw trail names every object, whatever its classification, so only admins list it here;
 * object histories filtered by clearance come with the areas that own the objects.
 */
export async function listAuditEvents(ctx: ServiceContext, query: AuditQuery) {
  requireRole(ctx, "admin");
  return queryEvents(ctx.db, query);
}
