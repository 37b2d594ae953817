import { and, desc, eq, gt, isNull, lte } from "drizzle-orm";
import type { Db } from "../../db/client";
import { auditorGrants, clauses, type AuditorGrantRow } from "../../db/schema/evidence";
import { documentCategories } from "../../db/schema/documents";
import { recordClasses } from "../../db/schema/records";
import { CONTRACT_CLAUSE } from "../contracts/vocabulary";
import { users } from "../../db/schema/users";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { requireRole } from "../auth/guard";
import { clearedFor, hasRole, isGrantBoundAuditor, type AuditScope, type Classification, type Principal, type Role } from "../auth/permissions";
import { inTransaction, type ServiceContext } from "../context";
import { clauseInRow } from "./clauses";
import { DomainError, notFound } from "../errors";
import { auditGrantCreated, auditGrantRevoked } from "./events";
import type { AuditEventType } from "../audit/events";
import { sql } from "drizzle-orm";
import { tablePolicy } from "../access/policy";

/** The grant in force for an auditor at `now`, or undefined. */
export async function findActiveGrant(db: Db, auditorId: string, now: Date): Promise<AuditorGrantRow | undefined> {
  const [row] = await db
    .select()
    .from(auditorGrants)
    .where(and(eq(auditorGrants.auditorId, auditorId), isNull(auditorGrants.revokedAt), lte(auditorGrants.startsAt, now), gt(auditorGrants.endsAt, now)))
    .orderBy(desc(auditorGrants.endsAt))
    .limit(1);
  return row;
}

/**
 * Gives a grant-bound auditor their scope for this request (null: no grant in force, so they read
 * nothing). Called once per request by the authentication middleware.
 */
export async function withAuditScope(db: Db, p: Principal, now: Date): Promise<Principal> {
  if (!isGrantBoundAuditor(p)) return p;
  const grant = await findActiveGrant(db, p.id, now);
  let documentCategoryIds: string[] = [];
  let recordClassIds: string[] = [];
  const covers = (clause: string) => !grant || !grant.clauseIds.length || grant.clauseIds.some((row) => clauseInRow(row, clause));
  if (grant) {
    const categories = await db.select({ id: documentCategories.id, clauses: documentCategories.clauses }).from(documentCategories);
    documentCategoryIds = categories
      .filter((c) => !grant.categoryIds.length || grant.categoryIds.includes(c.id))
      .filter((c) => !grant.clauseIds.length || c.clauses.some((n) => grant.clauseIds.some((row) => clauseInRow(row, n))))
      .map((c) => c.id);
    const classes = await db.select({ id: recordClasses.id, clause: recordClasses.clause }).from(recordClasses);
    recordClassIds = classes.filter((c) => covers(c.clause)).map((c) => c.id);
  }
  const auditScope: AuditScope | null = grant
    ? {
        documentCategoryIds,
        recordClassIds,
        coversContracts: covers(CONTRACT_CLAUSE),
        grantId: grant.id,
        clauseIds: grant.clauseIds,
        categoryIds: grant.categoryIds,
        periodFrom: grant.periodFrom,
        periodTo: grant.periodTo,
        maxClassification: grant.maxClassification as Classification,
        endsAt: grant.endsAt,
      }
    : null;
  return { ...p, auditScope };
}

/**
 * What a grant-bound auditor read (a search, an opened item), as an audit event under their grant;
 * nothing for anyone else. Everything an auditor opens is on the record.
 */
export async function auditGrantRead(ctx: ServiceContext, event: AuditEventType<Record<string, unknown>>, data: Record<string, unknown>): Promise<void> {
  const scope = ctx.principal?.auditScope;
  if (!scope) return;
  await inTransaction(ctx, async (t) => audit(t, event, scope.grantId, data));
}

/** What granting needs. */
export interface GrantInput {
  auditorId: string;
  purpose: string;
  startsAt?: string;
  endsAt: string;
  clauseIds: string[];
  categoryIds: string[];
  periodFrom?: string;
  periodTo?: string;
  maxClassification: Classification;
}

/**
 * Gives an auditor time-limited, read-only access (admins and IP managers): never above the
 * auditor's clearance nor the granter's; clauses and categories must exist.
 */
export async function grantAuditorAccess(ctx: ServiceContext, input: GrantInput): Promise<AuditorGrantRow> {
  const granter = requireRole(ctx, "admin", "ip-manager");
  return inTransaction(ctx, async (t) => {
    const [auditor] = await t.db.select().from(users).where(eq(users.id, input.auditorId)).limit(1);
    if (!auditor || !auditor.active || !(auditor.roles as Role[]).includes("auditor")) {
      throw new DomainError("INVALID_REFERENCE", "Grants are for active users with the auditor role.", { field: "auditorId" });
    }
    if (!clearedFor(auditor.clearance as Classification, input.maxClassification)) {
      throw new DomainError("VALIDATION_FAILED", `The grant cannot go above ${auditor.displayName}'s clearance (${auditor.clearance}).`, { field: "maxClassification" });
    }
    if (!clearedFor(granter.clearance, input.maxClassification)) {
      throw new DomainError("VALIDATION_FAILED", "You cannot grant access above your own clearance.", { field: "maxClassification" });
    }
    const knownClauses = new Set((await t.db.select({ id: clauses.id }).from(clauses)).map((c) => c.id));
    const unknownClause = input.clauseIds.find((c) => !knownClauses.has(c));
    if (unknownClause) throw new DomainError("VALIDATION_FAILED", `There is no clause “${unknownClause}” in the registry.`, { field: "clauseIds" });
    const knownCategories = new Set((await t.db.select({ id: documentCategories.id }).from(documentCategories)).map((c) => c.id));
    const unknownCategory = input.categoryIds.find((c) => !knownCategories.has(c));
    if (unknownCategory) throw new DomainError("VALIDATION_FAILED", `There is no document category “${unknownCategory}”.`, { field: "categoryIds" });
    const now = t.clock.now();
    const startsAt = input.startsAt ? new Date(input.startsAt) : now;
    const endsAt = new Date(input.endsAt);
    if (endsAt <= startsAt) throw new DomainError("VALIDATION_FAILED", "The grant must end after it starts.", { field: "endsAt" });
    if (input.periodFrom && input.periodTo && input.periodFrom > input.periodTo) {
      throw new DomainError("VALIDATION_FAILED", "The period ends before it starts.", { field: "periodTo" });
    }
    const row: AuditorGrantRow = {
      id: newId("agr"),
      auditorId: input.auditorId,
      grantedBy: granter.id,
      purpose: input.purpose,
      startsAt,
      endsAt,
      clauseIds: [...new Set(input.clauseIds)],
      categoryIds: [...new Set(input.categoryIds)],
      periodFrom: input.periodFrom ?? null,
      periodTo: input.periodTo ?? null,
      maxClassification: input.maxClassification,
      revokedAt: null,
      revokedReason: null,
      createdAt: now,
    };
    await t.db.insert(auditorGrants).values(row);
    audit(t, auditGrantCreated, row.id, { after: { ...row } });
    return row;
  });
}

/** Ends a grant early, with a reason. */
export async function revokeAuditorGrant(ctx: ServiceContext, id: string, reason: string): Promise<void> {
  requireRole(ctx, "admin", "ip-manager");
  await inTransaction(ctx, async (t) => {
    const [row] = await t.db.select().from(auditorGrants).where(eq(auditorGrants.id, id)).limit(1).for("update");
    if (!row) throw notFound("The grant");
    if (row.revokedAt) throw new DomainError("INVALID_STATE", "The grant is already revoked.");
    await t.db.update(auditorGrants).set({ revokedAt: t.clock.now(), revokedReason: reason }).where(eq(auditorGrants.id, id));
    audit(t, auditGrantRevoked, id, { reason });
  });
}

/** Grants, newest first: all of them for admins and IP managers, their own for an auditor. */
export async function listAuditorGrants(ctx: ServiceContext) {
  const p = ctx.principal;
  if (!p) throw new DomainError("UNAUTHENTICATED", "Sign in first.");
  const q = ctx.db
    .select({ grant: auditorGrants, auditorName: users.displayName })
    .from(auditorGrants)
    .innerJoin(users, eq(users.id, auditorGrants.auditorId))
    .orderBy(desc(auditorGrants.createdAt));
  if (p.roles.includes("admin") || p.roles.includes("ip-manager")) return q;
  return q.where(eq(auditorGrants.auditorId, p.id));
}

/** Auditor grants: those who give them (admins, IP managers) and the auditor a grant is for. */
export const auditGrantPolicy = tablePolicy({
  objectType: "audit_grant",
  table: auditorGrants,
  id: auditorGrants.id,
  rule: (p) => (hasRole(p, "admin", "ip-manager") ? sql`true` : sql`${auditorGrants.auditorId} = ${p.id}`),
});
