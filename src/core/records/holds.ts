import type { Db } from "../../db/client";
import type { LegalHoldRow } from "../../db/schema/records";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { requireRole } from "../auth/guard";
import { hasRole } from "../auth/permissions";
import { inTransaction, type ServiceContext, type TxContext } from "../context";
import { DomainError, notFound } from "../errors";
import { findUser } from "../users/repo";
import { legalHoldPolicy, recordVisibility, requireVisibleRecords } from "./access";
import { findVisible } from "../access/policy";
import * as repo from "./repo";
import { EMPTY_HOLD_QUERY_MESSAGE, isEmptyRecordQuery, RecordQuery, type HoldInput } from "./schemas";
import { HOLD_READ_ROLES, LEGAL_ROLES } from "./vocabulary";
import { legalHoldPlaced, legalHoldRecordsAdded, legalHoldReleased } from "./events";

/** The active holds covering each of `recordIds` (list membership, or a query that matches). */
export async function holdsCovering(db: Db, recordIds: string[]): Promise<Map<string, LegalHoldRow[]>> {
  const out = new Map<string, LegalHoldRow[]>();
  if (recordIds.length === 0) return out;
  const active = await repo.listActiveHolds(db);
  const byId = new Map(active.map((h) => [h.id, h]));
  const add = (recordId: string, hold: LegalHoldRow) => out.set(recordId, [...(out.get(recordId) ?? []), hold]);
  for (const m of await repo.listHoldMemberships(db, recordIds)) add(m.recordId, byId.get(m.holdId)!);
  for (const hold of active.filter((h) => h.scopeKind === "query")) {
    const query = RecordQuery.parse(hold.query);
    for (const id of await repo.filterRecordIds(db, repo.recordQueryConditions(query), recordIds)) add(id, hold);
  }
  return out;
}

/** The ids of every record a hold covers (whatever the caller's clearance; callers filter). */
async function coveredIds(db: Db, hold: LegalHoldRow): Promise<string[]> {
  if (hold.scopeKind === "list") return repo.listHoldRecordIds(db, hold.id);
  return repo.filterRecordIds(db, repo.recordQueryConditions(RecordQuery.parse(hold.query)));
}

/** Creates a hold in the caller's transaction (used by case files too). */
export async function insertHold(
  t: TxContext,
  input: { matter: string; reason: string; ownerId: string; scope: HoldInput["scope"]; caseId?: string | null },
): Promise<LegalHoldRow> {
  // the schema refuses it too; this also guards callers that build a scope themselves
  if (input.scope.kind === "query" && isEmptyRecordQuery(input.scope.query)) {
    throw new DomainError("VALIDATION_FAILED", `scope.query: ${EMPTY_HOLD_QUERY_MESSAGE}.`, { field: "scope.query" });
  }
  const placedBy = t.actor.userId!;
  const now = t.clock.now();
  const hold: LegalHoldRow = {
    id: newId("hld"),
    matter: input.matter,
    reason: input.reason,
    ownerId: input.ownerId,
    scopeKind: input.scope.kind,
    query: input.scope.kind === "query" ? input.scope.query : null,
    caseId: input.caseId ?? null,
    status: "active",
    placedBy,
    placedAt: now,
    releasedBy: null,
    releasedAt: null,
    releaseReason: null,
  };
  await repo.insertHold(t.db, hold);
  if (input.scope.kind === "list") {
    await repo.addHoldRecords(
      t.db,
      input.scope.recordIds.map((recordId) => ({ holdId: hold.id, recordId, addedBy: placedBy, addedAt: now })),
    );
  }
  const covered = await coveredIds(t.db, hold);
  audit(t, legalHoldPlaced, hold.id, { matter: hold.matter, reason: hold.reason, ownerId: hold.ownerId, scope: input.scope, caseId: hold.caseId, covers: covered.length });
  return hold;
}

/**
 * Places a legal hold (legal or the IP manager): a matter, a reason, an owner and a scope: chosen
 * records (each must be visible to the person placing it) or a query (which also covers records
 * declared later that match).
 */
export async function placeLegalHold(ctx: ServiceContext, input: HoldInput): Promise<LegalHoldRow> {
  const p = requireRole(ctx, ...LEGAL_ROLES);
  if (input.scope.kind === "list") await requireVisibleRecords(ctx, input.scope.recordIds);
  const ownerId = input.ownerId ?? p.id;
  const owner = await findUser(ctx.db, ownerId);
  if (!owner || !owner.active) throw new DomainError("INVALID_REFERENCE", "The hold's owner is not an active user.", { field: "ownerId" });
  return inTransaction(ctx, (t) => insertHold(t, { ...input, ownerId }));
}

/** Adds records to a list-scoped hold. */
export async function addRecordsToHold(ctx: ServiceContext, holdId: string, recordIds: string[]): Promise<void> {
  requireRole(ctx, ...LEGAL_ROLES);
  await requireVisibleRecords(ctx, recordIds);
  await inTransaction(ctx, async (t) => {
    const hold = await repo.findHold(t.db, holdId, true);
    if (!hold) throw notFound("The legal hold");
    if (hold.status !== "active") throw new DomainError("INVALID_STATE", "The hold has been released; place a new one.");
    if (hold.scopeKind !== "list") throw new DomainError("INVALID_STATE", "This hold covers records by a query; records that match it are covered already.");
    const now = t.clock.now();
    await repo.addHoldRecords(t.db, recordIds.map((recordId) => ({ holdId, recordId, addedBy: t.actor.userId!, addedAt: now })));
    audit(t, legalHoldRecordsAdded, holdId, { recordIds });
  });
}

/** Releases a hold in the caller's transaction (used when a case closes). */
export async function releaseHoldIn(t: TxContext, holdId: string, reason: string): Promise<void> {
  const hold = await repo.findHold(t.db, holdId, true);
  if (!hold) throw notFound("The legal hold");
  if (hold.status !== "active") throw new DomainError("INVALID_STATE", "The hold was already released.");
  const now = t.clock.now();
  await repo.updateHold(t.db, holdId, { status: "released", releasedAt: now, releasedBy: t.actor.userId, releaseReason: reason });
  audit(t, legalHoldReleased, holdId, { reason, matter: hold.matter, covered: (await coveredIds(t.db, hold)).length });
}

/** Releases a hold; the reason is required. A case's hold is released by closing the case. */
export async function releaseLegalHold(ctx: ServiceContext, holdId: string, reason: string): Promise<void> {
  requireRole(ctx, ...LEGAL_ROLES);
  if (!reason.trim()) throw new DomainError("VALIDATION_FAILED", "Say why the hold is released.", { field: "reason" });
  const hold = await repo.findHold(ctx.db, holdId);
  if (!hold) throw notFound("The legal hold");
  if (hold.caseId && hold.status === "active") {
    throw new DomainError("INVALID_STATE", "This hold belongs to an open case file; it is released when the case is closed.");
  }
  await inTransaction(ctx, (t) => releaseHoldIn(t, holdId, reason.trim()));
}

/** The holds the caller may see (the legal hold policy: a case's hold only with its case). */
export async function listLegalHolds(ctx: ServiceContext) {
  const p = requireRole(ctx, ...HOLD_READ_ROLES);
  return repo.listHolds(ctx.db, legalHoldPolicy.rule(p));
}

/**
 * The hold report: the hold and the records it covers that the caller may see (records above
 * their clearance are neither listed nor counted).
 */
export async function getHoldReport(ctx: ServiceContext, holdId: string) {
  const p = requireRole(ctx, ...HOLD_READ_ROLES);
  const hold = await findVisible(ctx.db, legalHoldPolicy, p, holdId);
  if (!hold) throw notFound("The legal hold");
  const ids = await coveredIds(ctx.db, hold);
  const visible = await repo.filterRecordIds(ctx.db, recordVisibility(p), ids);
  const listed = await repo.listRecordRows(ctx.db, visible);
  return { hold, records: listed, mayRelease: hasRole(p, ...LEGAL_ROLES) && hold.status === "active" && !hold.caseId };
}
