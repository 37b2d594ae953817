import { sql } from "drizzle-orm";
import { check, date, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { tstz } from "../columns";
import { users } from "./users";

/**
 * The clauses of the standard (../shared/standard/CLAUSES.md) as data: each row is a clause or a
 * range of clauses ("5.2–5.5") with its Chinese title, the requirement, and the evidence Custos
 * holds for it. Document categories, record classes and templates name clause numbers that fall
 * in these rows.
 */
export const clauses = pgTable("clauses", {
  id: text("id").primaryKey(),
  ordinal: integer("ordinal").notNull().unique(),
  /** The top-level clause (4 … 13): the groups of the coverage chart. */
  groupId: text("group_id").notNull(),
  titleZh: text("title_zh").notNull(),
  requirement: text("requirement").notNull(),
  evidence: text("evidence").notNull(),
});

/**
 * Time-limited, read-only access for an auditor: which clauses, document categories and period,
 * never above the auditor's clearance. It ends by itself at `ends_at`, or earlier when revoked.
 */
export const auditorGrants = pgTable(
  "auditor_grants",
  {
    id: text("id").primaryKey(),
    auditorId: text("auditor_id")
      .notNull()
      .references(() => users.id),
    grantedBy: text("granted_by")
      .notNull()
      .references(() => users.id),
    purpose: text("purpose").notNull(),
    startsAt: tstz("starts_at").notNull(),
    endsAt: tstz("ends_at").notNull(),
    /** Clause rows (ids of `clauses`) in scope; empty = every clause. */
    clauseIds: text("clause_ids").array().notNull(),
    /** Document categories in scope; empty = every category. */
    categoryIds: text("category_ids").array().notNull(),
    periodFrom: date("period_from", { mode: "string" }),
    periodTo: date("period_to", { mode: "string" }),
    maxClassification: text("max_classification").notNull(),
    revokedAt: tstz("revoked_at"),
    revokedReason: text("revoked_reason"),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [
    index("auditor_grants_auditor_idx").on(t.auditorId, t.endsAt),
    check("auditor_grants_window", sql`${t.endsAt} > ${t.startsAt}`),
    check("auditor_grants_classification", sql`${t.maxClassification} in ('public','internal','secret','confidential','top-secret')`),
  ],
);

export type ClauseRow = typeof clauses.$inferSelect;
export type AuditorGrantRow = typeof auditorGrants.$inferSelect;
