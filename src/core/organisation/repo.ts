import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { departments } from "../../db/schema/organisation";

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
