import type { Db } from "../../db/client";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { requirePrincipal, requireRole } from "../auth/guard";
import { inTransaction, type ServiceContext, type TxContext } from "../context";
import { DomainError } from "../errors";
import * as repo from "./repo";
import type { CreateDepartmentInput } from "./schemas";
import { departmentCreated, organisationUpdated } from "./events";
import { readerPolicy } from "../access/policy";

/** Every organisation unit; any signed-in person may read the organisation chart. */
export async function listDepartments(ctx: ServiceContext) {
  requirePrincipal(ctx);
  return repo.listDepartments(ctx.db);
}

/** One organisation unit, or undefined; any signed-in person may read the organisation chart. */
export async function getDepartment(ctx: ServiceContext, id: string) {
  requirePrincipal(ctx);
  return repo.findDepartment(ctx.db, id);
}

/** Creates an organisation unit (admins). */
export async function createDepartment(ctx: ServiceContext, input: CreateDepartmentInput) {
  requireRole(ctx, "admin");
  const now = ctx.clock.now();
  const row = {
    id: newId("dep"),
    code: input.code,
    name: input.name,
    nameEn: input.nameEn ?? null,
    parentId: input.parentId ?? null,
    ipDuties: input.ipDuties ?? null,
    createdAt: now,
    updatedAt: now,
  };
  return inTransaction(ctx, async (t) => {
    const tx = t.db;
    if (row.parentId && !(await repo.findDepartment(tx, row.parentId))) {
      throw new DomainError("INVALID_REFERENCE", "The parent department does not exist.");
    }
    await repo.insertDepartment(tx, row);
    audit(t, departmentCreated, row.id, { after: { code: row.code, name: row.name, parentId: row.parentId } });
    return row;
  });
}

/** Until an admin names it, the organisation is called this in certificates and documents. */
export const DEFAULT_ORGANISATION = { name: "Custos 示例企业", nameEn: "Custos Example Co." } as const;

/** The organisation's name (Chinese and English). */
export async function getOrganisationProfile(db: Db): Promise<{ name: string; nameEn: string | null }> {
  const row = await repo.findOrganisationProfile(db);
  return row ? { name: row.name, nameEn: row.nameEn } : { ...DEFAULT_ORGANISATION };
}

/** Whether the organisation has been named (a first-run step asks an administrator to name it). */
export async function isOrganisationNamed(db: Db): Promise<boolean> {
  return !!(await repo.findOrganisationProfile(db));
}

/**
 * Renames the organisation (admins). Certificates already issued keep the old name and signatures
 * made with them still verify; each signer's next signature is made with a new certificate under
 * the new name, and the next audit package with a new seal.
 */
export async function updateOrganisationProfile(ctx: ServiceContext, input: { name: string; nameEn?: string | null }) {
  requireRole(ctx, "admin");
  return inTransaction(ctx, (t) => renameOrganisationIn(t, input));
}

/** Renames the organisation inside the caller's transaction (a module's profile adopted by its workflow); audited. */
export async function renameOrganisationIn(t: TxContext, input: { name: string; nameEn?: string | null }) {
  const before = await getOrganisationProfile(t.db);
  const row = { id: "default", name: input.name.trim(), nameEn: input.nameEn?.trim() || null, updatedAt: t.clock.now() };
  await repo.upsertOrganisationProfile(t.db, row);
  audit(t, organisationUpdated, "default", { before, after: { name: row.name, nameEn: row.nameEn } });
  return { name: row.name, nameEn: row.nameEn };
}

/** The organisation and its departments carry nothing classified. */
export const organisationPolicy = readerPolicy("organisation", () => true);
export const departmentPolicy = readerPolicy("department", () => true);
