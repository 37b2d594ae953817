import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { tstz } from "../columns";

/**
 * Background work (the daily retention sweep, fixity checks, CSV imports, resuming disposals),
 * claimed by one instance at a time with FOR UPDATE SKIP LOCKED and a lease: an instance that
 * dies mid-job leaves it to be claimed again once the lease runs out. `dedupe_key` makes
 * scheduled runs idempotent across instances ("retention-sweep:2026-03-02" is enqueued once).
 */
export const jobs = pgTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    dedupeKey: text("dedupe_key").unique(),
    payload: jsonb("payload").notNull(),
    status: text("status").notNull(),
    runAt: tstz("run_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(5),
    lockedUntil: tstz("locked_until"),
    lockedBy: text("locked_by"),
    lastError: text("last_error"),
    result: jsonb("result"),
    createdAt: tstz("created_at").notNull(),
    finishedAt: tstz("finished_at"),
  },
  (t) => [
    check("jobs_status", sql`${t.status} in ('queued','running','done','failed')`),
    index("jobs_due_idx").on(t.status, t.runAt),
    index("jobs_kind_idx").on(t.kind, t.createdAt),
  ],
);

export type JobRow = typeof jobs.$inferSelect;
