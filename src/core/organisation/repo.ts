import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { departments, organisationProfile } from "../../db/schema/organisation";

export type DepartmentRow = typeof departments.$inferSelect;

export async function listDepartments(db: Db): Promise<DepartmentRow[]> {
  return db.select().from(departments).orderBy(asc(departments.code));
}

export async function findDepartment(db: Db, id: string): Promise<DepartmentRow | undefined> {
  const [row] = await db.select().from(departments).where(eq(departments.id, id)).limit(1);
  return row;
}

export async function insertDepartment(db: Db, row: DepartmentRow): Promise<void> {
  await db.insert(departments).values(row);
}

export type OrganisationProfileRow = typeof organisationProfile.$inferSelect;

export async function findOrganisationProfile(db: Db): Promise<OrganisationProfileRow | undefined> {
  const [row] = await db.select().from(organisationProfile).where(eq(organisationProfile.id, "default")).limit(1);
  return row;
}

export async function upsertOrganisationProfile(db: Db, row: OrganisationProfileRow): Promise<void> {
  await db
    .insert(organisationProfile)
    .values(row)
    .onConflictDoUpdate({ target: organisationProfile.id, set: { name: row.name, nameEn: row.nameEn, updatedAt: row.updatedAt } });
}
