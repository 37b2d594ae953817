import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import { defineJob } from "../jobs/define";

/**
 * Upkeep of the embedded database. PostgreSQL's autovacuum keeps a server's planner statistics
 * fresh and reclaims dead rows; PGlite runs no autovacuum, so without these jobs its statistics
 * stay as they were at the first query (a Chinese search over 10 000 records took 76 ms, 15 ms
 * after ANALYZE) and its tables only grow. On PostgreSQL both jobs leave the work to autovacuum.
 */

const embedded = new WeakMap<Db, Promise<boolean>>();

/** Whether `db` is the embedded PGlite, asked once per handle. */
export function isEmbeddedDatabase(db: Db): Promise<boolean> {
  let answer = embedded.get(db);
  if (!answer) {
    answer = db.execute<{ version: string }>(sql`select version() as version`).then((r) => String(rowsOf<{ version: string }>(r)[0]?.version ?? "").includes("PGlite"));
    answer.catch(() => embedded.delete(db));
    embedded.set(db, answer);
  }
  return answer;
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * Refreshes the embedded database's planner statistics (`analyze`), or also reclaims dead rows
 * (`vacuum`); on PostgreSQL does nothing and says so. Runs outside any transaction.
 */
export async function maintainDatabase(db: Db, what: "analyze" | "vacuum"): Promise<Record<string, unknown>> {
  if (!(await isEmbeddedDatabase(db))) return { skipped: "PostgreSQL: autovacuum maintains the statistics and the tables" };
  const started = performance.now();
  await db.execute(what === "analyze" ? sql`analyze` : sql`vacuum (analyze)`);
  return { [what === "analyze" ? "analyzedMs" : "vacuumedMs"]: Math.round(performance.now() - started) };
}

/** Fresh planner statistics every hour, and right after a bulk import (`reason`). */
export const databaseAnalyzeJob = defineJob({
  kind: "database-analyze",
  payload: z.object({ reason: z.string().max(100).optional() }),
  hourly: true,
  run: ({ ctx }) => maintainDatabase(ctx.db, "analyze"),
});

/** Dead rows reclaimed, and statistics refreshed with them, once a night (03:00 China Standard Time). */
export const databaseVacuumJob = defineJob({
  kind: "database-vacuum",
  payload: z.object({}),
  dailyAtHourCst: 3,
  run: ({ ctx }) => maintainDatabase(ctx.db, "vacuum"),
});
