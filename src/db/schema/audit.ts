import { bigint, index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { tstz } from "../columns";

/**
 * The append-only, hash-chained audit trail. `seq` is dense (1, 2, 3 …) because appends are
 * serialised; `hash` = SHA-256(prev_hash ‖ canonical content). The database refuses UPDATE,
 * DELETE and TRUNCATE (see the migration that installs the triggers).
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    occurredAt: tstz("occurred_at").notNull(),
    actorId: text("actor_id"),
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    objectType: text("object_type").notNull(),
    objectId: text("object_id").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    requestId: text("request_id"),
    data: jsonb("data").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    index("audit_events_object_idx").on(t.objectType, t.objectId, t.seq),
    index("audit_events_actor_idx").on(t.actorId, t.seq),
    index("audit_events_occurred_idx").on(t.occurredAt),
  ],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;
