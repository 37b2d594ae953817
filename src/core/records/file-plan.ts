import type { Db } from "../../db/client";
import type { RecordClassRow } from "../../db/schema/records";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { requirePrincipal, requireRole } from "../auth/guard";
import { inTransaction, type ServiceContext, type TxContext } from "../context";
import { DomainError, notFound } from "../errors";
import { clauseInRow, listClauses } from "../evidence/clauses";
import { getTemplate } from "../templates/index";
import * as repo from "./repo";
import { recomputeRetention, summariseChanges } from "./retention";
import type { RecordClassInput, RecordClassPatch } from "./schemas";
import { BUILT_IN_CLASS } from "./vocabulary";
import { recordClassCreated, recordClassDeleted, recordClassUpdated } from "./events";
import { recordPolicy } from "./access";

/** Orders clause numbers numerically ("4.3.2.2" < "10.1"). */
export function compareClauses(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

function checkPeriod(input: Pick<RecordClassRow, "retentionAmount" | "retentionUnit" | "disposition">): void {
  if (input.retentionUnit === "permanent") {
    if (input.retentionAmount !== null) throw new DomainError("VALIDATION_FAILED", "A permanent class has no retention amount.", { field: "retentionAmount" });
    if (input.disposition !== "permanent") throw new DomainError("VALIDATION_FAILED", "Records kept permanently have the disposition “keep permanently”.", { field: "disposition" });
  } else {
    if (input.retentionAmount === null) throw new DomainError("VALIDATION_FAILED", "Give the retention period (how many months or years).", { field: "retentionAmount" });
    if (input.disposition === "permanent") throw new DomainError("VALIDATION_FAILED", "“Keep permanently” needs a permanent retention period.", { field: "disposition" });
  }
}

async function checkTemplate(templateId: string | null | undefined): Promise<void> {
  if (templateId) await getTemplate(templateId).catch(() => {
    throw new DomainError("INVALID_REFERENCE", `There is no template "${templateId}".`, { field: "templateId" });
  });
}

/** The class must evidence a clause of the standard that the clause registry holds (so it has a row in the matrix). */
async function checkClause(db: Db, clause: string): Promise<void> {
  const rows = await listClauses(db);
  if (!rows.some((r) => clauseInRow(r.id, clause))) {
    throw new DomainError("INVALID_REFERENCE", `Clause ${clause} is not in the clause registry of the standard; choose one of ${rows.map((r) => r.id).join(", ")}.`, { field: "clause" });
  }
}

/** The file plan: every class with how many records use it, ordered by clause. */
/** The file plan, each class with how many of its records the reader may see. */
export async function listFilePlan(ctx: ServiceContext) {
  const p = requirePrincipal(ctx);
  const counts = await repo.countRecordsByClass(ctx.db, recordPolicy.rule(p));
  return (await repo.listClasses(ctx.db))
    .map((c) => ({ ...c, recordCount: counts.get(c.id) ?? 0 }))
    .sort((a, b) => compareClauses(a.clause, b.clause) || a.code.localeCompare(b.code));
}

export async function getRecordClass(ctx: ServiceContext, id: string) {
  const p = requirePrincipal(ctx);
  const cls = await repo.findClass(ctx.db, id);
  if (!cls) throw notFound("The record class");
  return { ...cls, recordCount: (await repo.countRecordsByClass(ctx.db, recordPolicy.rule(p))).get(id) ?? 0 };
}

/** Adds a class to the file plan (IP manager). */
export async function createRecordClass(ctx: ServiceContext, input: RecordClassInput): Promise<RecordClassRow> {
  requireRole(ctx, "ip-manager");
  const row: RecordClassRow = {
    id: newId("rcl"),
    code: input.code,
    name: input.name,
    nameEn: input.nameEn,
    clause: input.clause,
    description: input.description ?? null,
    retentionAmount: input.retentionUnit === "permanent" ? null : input.retentionAmount,
    retentionUnit: input.retentionUnit,
    trigger: input.trigger,
    disposition: input.disposition,
    defaultClassification: input.defaultClassification,
    templateId: input.templateId ?? null,
    builtIn: false,
    createdAt: ctx.clock.now(),
    updatedAt: ctx.clock.now(),
  };
  checkPeriod(row);
  await checkTemplate(row.templateId);
  await checkClause(ctx.db, row.clause);
  await inTransaction(ctx, async (t) => {
    await repo.insertClass(t.db, row);
    audit(t, recordClassCreated, row.id, { after: row });
  });
  return row;
}

/** A class a module's record type brings into the file plan (built in: its records are declared into it). */
export interface BuiltInClass {
  code: string;
  name: string;
  nameEn: string;
  clause: string;
  description?: string;
  retention: { years: number } | { months: number } | "permanent";
  disposition: "destroy" | "review" | "transfer" | "permanent";
  defaultClassification: string;
}

/**
 * The class with this code, created (built in, audited) in the caller's transaction if the file
 * plan does not have it yet. Later changes an IP manager makes to it are kept.
 */
export async function ensureBuiltInClass(t: TxContext, spec: BuiltInClass): Promise<RecordClassRow> {
  const existing = await repo.findClassByCode(t.db, spec.code);
  if (existing) return existing;
  const now = t.clock.now();
  const permanent = spec.retention === "permanent";
  const row: RecordClassRow = {
    id: newId("rcl"),
    code: spec.code,
    name: spec.name,
    nameEn: spec.nameEn,
    clause: spec.clause,
    description: spec.description ?? null,
    retentionAmount: permanent ? null : "years" in (spec.retention as object) ? (spec.retention as { years: number }).years : (spec.retention as { months: number }).months,
    retentionUnit: permanent ? "permanent" : "years" in (spec.retention as object) ? "years" : "months",
    trigger: "creation",
    disposition: permanent ? "permanent" : spec.disposition,
    defaultClassification: spec.defaultClassification,
    templateId: null,
    builtIn: true,
    createdAt: now,
    updatedAt: now,
  };
  checkPeriod(row);
  await repo.insertClass(t.db, row);
  audit(t, recordClassCreated, row.id, { after: row });
  return row;
}

const EDITABLE = ["name", "nameEn", "clause", "description", "retentionAmount", "retentionUnit", "trigger", "disposition", "defaultClassification", "templateId"] as const;

/**
 * Changes a class (IP manager). A change of period, unit or trigger recomputes the due date of
 * every active record of the class in the same transaction; the audit event keeps the old and new
 * values, the reason and each record whose due date moved.
 */
export async function updateRecordClass(ctx: ServiceContext, id: string, patch: RecordClassPatch) {
  requireRole(ctx, "ip-manager");
  return inTransaction(ctx, async (t) => {
    const before = await repo.findClass(t.db, id, true);
    if (!before) throw notFound("The record class");
    const next = { ...before };
    for (const key of EDITABLE) if (patch[key] !== undefined) (next as Record<string, unknown>)[key] = patch[key];
    if (next.retentionUnit === "permanent") next.retentionAmount = null;
    checkPeriod(next);
    await checkTemplate(next.templateId);
    if (next.clause !== before.clause) await checkClause(t.db, next.clause);
    const changed = EDITABLE.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(next[k]));
    if (changed.length === 0) throw new DomainError("VALIDATION_FAILED", "Nothing changes; edit at least one field.");
    const now = t.clock.now();
    const updated = await repo.updateClass(t.db, id, { ...Object.fromEntries(changed.map((k) => [k, next[k]])), updatedAt: now });
    const retentionChanged = changed.some((k) => k === "retentionAmount" || k === "retentionUnit" || k === "trigger");
    const changes = retentionChanged ? await recomputeRetention(t.db, await repo.listActiveRecordIdsOfClass(t.db, id), now) : [];
    audit(t, recordClassUpdated, id, {
        reason: patch.reason,
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: Object.fromEntries(changed.map((k) => [k, next[k]])),
        ...summariseChanges(changes),
      });
    return { recordClass: updated!, recomputed: changes.length };
  });
}

/** Deletes an unused class (IP manager). A class in use, or one Custos's own flows need, is refused. */
export async function deleteRecordClass(ctx: ServiceContext, id: string): Promise<void> {
  requireRole(ctx, "ip-manager");
  await inTransaction(ctx, async (t) => {
    const cls = await repo.findClass(t.db, id, true);
    if (!cls) throw notFound("The record class");
    const used = (await repo.countRecordsByClass(t.db)).get(id) ?? 0;
    if (used > 0) {
      throw new DomainError("IN_USE", `The class ${cls.code} is used by ${used} record(s) and cannot be deleted; move them to another class first.`, { records: used });
    }
    if ((Object.values(BUILT_IN_CLASS) as string[]).includes(cls.id)) {
      throw new DomainError("IN_USE", `Custos files into the class ${cls.code} itself (external documents, contracts, disposals); change its period or disposition instead of deleting it.`);
    }
    await repo.deleteClass(t.db, id);
    audit(t, recordClassDeleted, id, { before: cls });
  });
}
