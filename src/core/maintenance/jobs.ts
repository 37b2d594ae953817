import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import { defineJob } from "../jobs/define";

/**
 * Upkeep of a database nobody else keeps. PostgreSQL's autovacuum keeps a server's planner
 * statistics fresh and reclaims dead rows; PGlite runs no autovacuum (and a server may have it
 * switched off), so without these jobs the statistics stay as they were at the first query (a
 * Chinese search over 10 000 records took 76 ms, 15 ms after ANALYZE) and the tables only grow.
 * Where autovacuum runs, both jobs leave the work to it.
 */

const upkeep = new WeakMap<Db, Promise<{ own: boolean; why: string }>>();

/** Whether `db` is the embedded PGlite, asked once per handle. */
export async function isEmbeddedDatabase(db: Db): Promise<boolean> {
  return (await upkeepOf(db)).why === "embedded";
}

/** Whether Custos must keep `db` itself (embedded, or a server with autovacuum off), asked once per handle. */
function upkeepOf(db: Db): Promise<{ own: boolean; why: string }> {
  let answer = upkeep.get(db);
  if (!answer) {
    answer = db
      .execute<{ version: string; autovacuum: string }>(sql`select version() as version, current_setting('autovacuum') as autovacuum`)
      .then((r) => {
        const row = rowsOf<{ version: string; autovacuum: string }>(r)[0];
        if (String(row?.version ?? "").includes("PGlite")) return { own: true, why: "embedded" };
        return row?.autovacuum === "on" ? { own: false, why: "autovacuum" } : { own: true, why: "autovacuum-off" };
      });
    answer.catch(() => upkeep.delete(db));
    upkeep.set(db, answer);
  }
  return answer;
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * Refreshes the planner statistics (`analyze`), or also reclaims dead rows (`vacuum`), where
 * nobody else does: the embedded database, or a server whose autovacuum is off; where autovacuum
 * runs, does nothing and says so. Runs outside any transaction.
 */
export async function maintainDatabase(db: Db, what: "analyze" | "vacuum"): Promise<Record<string, unknown>> {
  const { own, why } = await upkeepOf(db);
  if (!own) return { skipped: "PostgreSQL: autovacuum maintains the statistics and the tables" };
  const started = performance.now();
  await db.execute(what === "analyze" ? sql`analyze` : sql`vacuum (analyze)`);
  return { [what === "analyze" ? "analyzedMs" : "vacuumedMs"]: Math.round(performance.now() - started), because: why };
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
