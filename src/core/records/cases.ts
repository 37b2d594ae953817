import { eq, sql } from "drizzle-orm";
import { rowsOf } from "../../db/sql";
import { caseFiles, type CaseFileRow } from "../../db/schema/records";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { requireRole } from "../auth/guard";
import { clearedFor, hasRole, visibleClassifications, type Classification } from "../auth/permissions";
import { inTransaction, type ServiceContext } from "../context";
import { DomainError, notFound } from "../errors";
import { findUser } from "../users/repo";
import { casePolicy, recordVisibility } from "./access";
import { findVisible } from "../access/policy";
import { today } from "./dates";
import { insertHold, releaseHoldIn } from "./holds";
import * as repo from "./repo";
import { applyRetentionEvent } from "./retention";
import type { CaseInput } from "./schemas";
import { LEGAL_ROLES, RECORD_READ_ROLES } from "./vocabulary";
import { caseClosed, caseOpened } from "./events";

/**
 * Opens a case file (10.2) and, in the same transaction, a legal hold over every record linked to
 * it (a query on the case, so documents filed later are covered at once).
 */
export async function openCaseFile(ctx: ServiceContext, input: CaseInput): Promise<CaseFileRow> {
  const p = requireRole(ctx, ...LEGAL_ROLES);
  if (!clearedFor(p.clearance, input.classification)) throw notFound("A classification level you may use");
  const ownerId = input.ownerId ?? p.id;
  const owner = await findUser(ctx.db, ownerId);
  if (!owner || !owner.active) throw new DomainError("INVALID_REFERENCE", "The case owner is not an active user.", { field: "ownerId" });
  return inTransaction(ctx, async (t) => {
    const now = t.clock.now();
    const number =
      input.number ??
      `CASE${today(t.clock).slice(0, 4)}-${String(Number(rowsOf<{ n: string }>(await t.db.execute(sql`select nextval('case_number_seq') as n`))[0]!.n)).padStart(3, "0")}`;
    const row: CaseFileRow = {
      id: newId("cas"),
      number,
      title: input.title,
      kind: input.kind,
      counterparty: input.counterparty ?? null,
      forum: input.forum ?? null,
      ourRole: input.ourRole ?? null,
      status: "open",
      openedOn: input.openedOn,
      closedOn: null,
      outcome: null,
      ownerId,
      classification: input.classification,
      createdBy: p.id,
      createdAt: now,
      updatedAt: now,
    };
    await repo.insertCase(t.db, row);
    audit(t, caseOpened, row.id, { after: row });
    await insertHold(t, {
      matter: `${row.number} ${row.title}`,
      reason: `案件 ${row.number} 进行中，纠纷相关记录须保存至结案（10.2）。Open case file: its records are kept until it is closed.`,
      ownerId,
      scope: { kind: "query", query: { caseId: row.id } },
      caseId: row.id,
    });
    return row;
  });
}

/** A case the caller may see (the case policy: records roles, within clearance), else NOT_FOUND. */
async function loadVisibleCase(ctx: ServiceContext, id: string): Promise<CaseFileRow> {
  const p = requireRole(ctx, ...RECORD_READ_ROLES);
  const c = await findVisible(ctx.db, casePolicy, p, id);
  if (!c) throw notFound("The case file");
  return c;
}

export async function listCaseFiles(ctx: ServiceContext) {
  const p = requireRole(ctx, ...RECORD_READ_ROLES);
  return repo.listCases(ctx.db, casePolicy.rule(p));
}

/** A case with its hold and the records linked to it that the caller may see. */
export async function getCaseFile(ctx: ServiceContext, id: string) {
  const c = await loadVisibleCase(ctx, id);
  const p = ctx.principal!;
  const ids = await repo.filterRecordIds(ctx.db, [...repo.recordQueryConditions({ caseId: id }), ...recordVisibility(p)]);
  const hold = await repo.findActiveCaseHold(ctx.db, id);
  const owner = await findUser(ctx.db, c.ownerId);
  return { case: c, ownerName: owner?.displayName ?? c.ownerId, hold: hold ?? null, records: await repo.listRecordRows(ctx.db, ids), mayClose: hasRole(p, ...LEGAL_ROLES) && c.status === "open" };
}

/**
 * Closes a case: its hold is released (the reason names the outcome) and the retention of its
 * records starts (trigger "case closed"), all in one transaction.
 */
export async function closeCaseFile(ctx: ServiceContext, id: string, input: { closedOn: string; outcome: string }): Promise<void> {
  requireRole(ctx, ...LEGAL_ROLES);
  await loadVisibleCase(ctx, id);
  if (input.closedOn > today(ctx.clock)) throw new DomainError("VALIDATION_FAILED", "The closing date cannot be in the future.", { field: "closedOn" });
  await inTransaction(ctx, async (t) => {
    const c = await repo.findCase(t.db, id, true);
    if (!c) throw notFound("The case file");
    if (c.status !== "open") throw new DomainError("INVALID_STATE", "The case is already closed.");
    if (input.closedOn < c.openedOn) throw new DomainError("VALIDATION_FAILED", "A case cannot close before it was opened.", { field: "closedOn" });
    await t.db.update(caseFiles).set({ status: "closed", closedOn: input.closedOn, outcome: input.outcome, updatedAt: t.clock.now() }).where(eq(caseFiles.id, id));
    audit(t, caseClosed, id, { before: { status: c.status }, after: { status: "closed", closedOn: input.closedOn, outcome: input.outcome } });
    const hold = await repo.findActiveCaseHold(t.db, id);
    if (hold) await releaseHoldIn(t, hold.id, `案件 ${c.number} 于 ${input.closedOn} 结案：${input.outcome}（Case closed）`);
    await applyRetentionEvent(t, { trigger: "case-closed", subjectId: id, occurredOn: input.closedOn, note: input.outcome });
  });
}
