import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { auditPackages, type AuditPackageRow } from "../../db/schema/audit-packages";
import { users } from "../../db/schema/users";
import type { Classification, Principal, Role } from "../auth/permissions";

export async function insertPackage(db: Db, row: AuditPackageRow): Promise<void> {
  await db.insert(auditPackages).values(row);
}

export async function findPackage(db: Db, id: string): Promise<AuditPackageRow | undefined> {
  const [row] = await db.select().from(auditPackages).where(eq(auditPackages.id, id)).limit(1);
  return row;
}

export async function updatePackage(db: Db, id: string, patch: Partial<AuditPackageRow>): Promise<void> {
  await db.update(auditPackages).set(patch).where(eq(auditPackages.id, id));
}

/** Newest first: one person's packages, or everyone's. */
export async function listPackages(db: Db, requestedBy: string | null, limit: number): Promise<(AuditPackageRow & { requesterName: string })[]> {
  const rows = await db
    .select({ p: auditPackages, requesterName: users.displayName })
    .from(auditPackages)
    .innerJoin(users, eq(users.id, auditPackages.requestedBy))
    .where(requestedBy ? and(eq(auditPackages.requestedBy, requestedBy)) : undefined)
    .orderBy(desc(auditPackages.createdAt))
    .limit(limit);
  return rows.map((r) => ({ ...r.p, requesterName: r.requesterName }));
}

/** The requester as a principal again (the export job acts on their behalf), if still active. */
export async function loadActivePrincipal(db: Db, userId: string): Promise<Principal | undefined> {
  const [u] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!u || !u.active) return undefined;
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: u.roles as Role[],
    departmentId: u.departmentId,
    clearance: u.clearance as Classification,
    locale: u.locale,
    mustChangePassword: u.mustChangePassword,
  };
}
