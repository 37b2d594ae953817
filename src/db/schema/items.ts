import { sql } from "drizzle-orm";
import { check, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamps, tstz } from "../columns";
import { departments } from "./organisation";
import { users } from "./users";

const CLASSIFICATION_CHECK = "('public','internal','secret','confidential','top-secret')";

/**
 * The items of the management-system modules (findings, corrective actions, objectives, reviews …):
 * one table for every record type a module declares. What is queried has a typed column (type,
 * state, dates, owner, department, classification, the people involved, search text); the rest is
 * the type's metadata, validated against its schema before it is written (`data`).
 */
export const items = pgTable(
  "items",
  {
    id: text("id").primaryKey(),
    /** The record type, `<module>.<type>` (e.g. `improvement.corrective-action`). */
    type: text("type").notNull(),
    /** A number people quote: the type's prefix, the year and a sequence (CA-2026-0007). */
    number: text("number").notNull(),
    state: text("state").notNull(),
    title: text("title").notNull(),
    /** The date that places the item in a period (evidence, retention). */
    itemDate: date("item_date", { mode: "string" }).notNull(),
    dueOn: date("due_on", { mode: "string" }),
    ownerId: text("owner_id").references(() => users.id),
    departmentId: text("department_id").references(() => departments.id),
    classification: text("classification").notNull(),
    /** Everyone the item concerns (owner, named people, creator): they may read it. */
    people: text("people").array().notNull(),
    searchText: text("search_text").notNull(),
    data: jsonb("data").notNull(),
    /** Increments with every change; each version is kept in item_versions. */
    version: integer("version").notNull(),
    /** A transition waiting for its signatures: the action, the inputs and who took it. */
    pending: jsonb("pending"),
    /** The signature request of the pending transition. */
    signatureRequestId: text("signature_request_id"),
    /** The record declared when the item reached a final state. */
    recordId: text("record_id"),
    closedAt: tstz("closed_at"),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("items_number").on(t.number),
    index("items_type_state_idx").on(t.type, t.state),
    index("items_type_date_idx").on(t.type, t.itemDate),
    index("items_type_due_idx").on(t.type, t.dueOn),
    index("items_owner_idx").on(t.ownerId),
    index("items_people_idx").using("gin", t.people),
    index("items_search_trgm").using("gin", sql`${t.searchText} gin_trgm_ops`),
    check("items_classification", sql.raw(`classification in ${CLASSIFICATION_CHECK}`)),
  ],
);

/** Every version of an item as it was written: append-only, like revisions and the audit trail. */
export const itemVersions = pgTable(
  "item_versions",
  {
    itemId: text("item_id")
      .notNull()
      .references(() => items.id),
    version: integer("version").notNull(),
    /** created, updated, or the workflow action that made this version. */
    action: text("action").notNull(),
    state: text("state").notNull(),
    data: jsonb("data").notNull(),
    comment: text("comment"),
    changedBy: text("changed_by").references(() => users.id),
    changedAt: tstz("changed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.version] })],
);

/**
 * Indexed values of an item: the fields its type declares `indexed`, and the rows of its child
 * collections (e.g. every annuity of a patent, `seq` numbering the rows), so a query such as
 * "every annuity due within 90 days over 100 000 assets" reads an index, not the JSON.
 */
export const itemValues = pgTable(
  "item_values",
  {
    itemId: text("item_id")
      .notNull()
      .references(() => items.id),
    type: text("type").notNull(),
    /** The field, or `<collection>.<field>` for a child row. */
    field: text("field").notNull(),
    /** 0 for a field of the item; 1, 2 … for the rows of a child collection. */
    seq: integer("seq").notNull(),
    textValue: text("text_value"),
    dateValue: date("date_value", { mode: "string" }),
    numValue: numeric("num_value"),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.field, t.seq] }),
    index("item_values_date_idx").on(t.type, t.field, t.dateValue),
    index("item_values_text_idx").on(t.type, t.field, t.textValue),
    index("item_values_num_idx").on(t.type, t.field, t.numValue),
  ],
);

/** Links from an item to anything of a registered link kind (another item, a record, a document, a person …). */
export const itemLinks = pgTable(
  "item_links",
  {
    id: text("id").primaryKey(),
    itemId: text("item_id")
      .notNull()
      .references(() => items.id),
    kind: text("kind").notNull(),
    targetId: text("target_id").notNull(),
    /** What the link means, in words chosen by the module (e.g. "finding of", "discussed in"). */
    relation: text("relation"),
    createdBy: text("created_by").references(() => users.id),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [uniqueIndex("item_links_unique").on(t.itemId, t.kind, t.targetId), index("item_links_target_idx").on(t.kind, t.targetId)],
);

/** The next number of each type and year. */
export const itemSequences = pgTable(
  "item_sequences",
  {
    type: text("type").notNull(),
    year: integer("year").notNull(),
    next: integer("next").notNull(),
  },
  (t) => [primaryKey({ columns: [t.type, t.year] })],
);

export type ItemRow = typeof items.$inferSelect;
export type ItemVersionRow = typeof itemVersions.$inferSelect;
export type ItemLinkRow = typeof itemLinks.$inferSelect;
