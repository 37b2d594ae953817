import { pgTable, text, type AnyPgColumn } from "drizzle-orm/pg-core";
import { timestamps, tstz } from "../columns";

/** Organisation units (部门): the IP function and every department that carries IP duties (7.1–7.3). */
export const departments = pgTable("departments", {
  id: text("id").primaryKey(),
  code: text("code").notNull().unique(),
  name: text("name").notNull(),
  nameEn: text("name_en"),
  parentId: text("parent_id").references((): AnyPgColumn => departments.id),
  ipDuties: text("ip_duties"),
  ...timestamps,
});

/** The one organisation Custos serves (4.1): its name appears in certificates and documents. */
export const organisationProfile = pgTable("organisation_profile", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  nameEn: text("name_en"),
  updatedAt: tstz("updated_at").notNull(),
});
