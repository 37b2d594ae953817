import { describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { jobs } from "../../../src/db/schema/jobs";
import { isEmbeddedDatabase } from "../../../src/core/maintenance/jobs";
import { startHarness } from "../../support/app";

/** The embedded database has no autovacuum: Custos analyses it hourly and vacuums it nightly; so it does for a server whose autovacuum is off; otherwise it leaves the work to autovacuum. */
const h = await startHarness();
const embedded = h.database.kind === "pglite";
// a server whose autovacuum is off is kept by Custos as the embedded database is
const autovacuum = embedded ? "off" : String(rowsOf<{ autovacuum: string }>(await h.deps.db.execute(sql`show autovacuum`))[0]?.autovacuum);
const ownUpkeep = embedded || autovacuum !== "on";

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

async function statsOf(table: string): Promise<{ lastAnalyze: Date | null; lastVacuum: Date | null }> {
  const result = await h.deps.db.execute<{ last_analyze: Date | null; last_vacuum: Date | null }>(
    sql`select last_analyze, last_vacuum from pg_stat_user_tables where relname = ${table} and schemaname = current_schema()`,
  );
  const row = (Array.isArray(result) ? result : (result as { rows: { last_analyze: Date | null; last_vacuum: Date | null }[] }).rows)[0];
  return { lastAnalyze: row?.last_analyze ? new Date(row.last_analyze) : null, lastVacuum: row?.last_vacuum ? new Date(row.last_vacuum) : null };
}

async function jobOf(kind: string) {
  const rows = await h.deps.db.select().from(jobs).where(and(eq(jobs.kind, kind), eq(jobs.status, "done")));
  return rows;
}

describe("database upkeep", () => {
  it("tells the embedded database from a PostgreSQL server", async () => {
    expect(await isEmbeddedDatabase(h.deps.db)).toBe(embedded);
  });

  it("analyses the embedded database (or a server without autovacuum) every hour, and leaves a server to its autovacuum", async () => {
    const before = await statsOf("records");
    await h.deps.jobs.schedule();
    await h.deps.jobs.runDue();
    const [run] = await jobOf("database-analyze");
    expect(run, "the hourly analyse ran").toBeDefined();
    if (ownUpkeep) {
      expect(run!.result).toMatchObject({ analyzedMs: expect.any(Number), because: embedded ? "embedded" : "autovacuum-off" });
      const after = await statsOf("records");
      expect(after.lastAnalyze).not.toBeNull();
      if (before.lastAnalyze) expect(after.lastAnalyze!.getTime()).toBeGreaterThan(before.lastAnalyze.getTime());
    } else {
      expect(run!.result).toMatchObject({ skipped: expect.stringContaining("autovacuum") });
    }
  });

  it("vacuums the embedded database at night, once a night across instances", async () => {
    // the clock starts at 09:00 China Standard Time: that day's 03:00 run was due and ran with the hourly one
    expect(await jobOf("database-vacuum")).toHaveLength(1);
    // the next night: 03:00 China Standard Time is 19:00 UTC the day before
    const night = new Date(h.clock.now());
    night.setUTCHours(19, 5, 0, 0);
    if (night <= h.clock.now()) night.setUTCDate(night.getUTCDate() + 1);
    h.clock.set(night);
    await h.deps.jobs.schedule();
    await h.deps.jobs.schedule();
    await h.deps.jobs.runDue();
    const runs = await jobOf("database-vacuum");
    expect(runs).toHaveLength(2);
    if (ownUpkeep) {
      expect(runs[0]!.result).toMatchObject({ vacuumedMs: expect.any(Number) });
      expect((await statsOf("records")).lastVacuum).not.toBeNull();
    } else {
      expect(runs[0]!.result).toMatchObject({ skipped: expect.stringContaining("autovacuum") });
    }
  });
});
