import { and, eq, gt, isNotNull, lte } from "drizzle-orm";
import { records } from "../../db/schema/records";
import { audit } from "../audit/service";
import { requirePrincipal } from "../auth/guard";
import { inTransaction, type ServiceContext } from "../context";
import { today } from "./dates";
import { resumeUnfinishedDisposals } from "./disposal";
import { holdsCovering } from "./holds";
import * as repo from "./repo";
import { retentionSwept } from "./events";
import { z } from "zod";
import { defineJob } from "../jobs/define";
import { listJobs } from "../jobs/queue";

/** What the daily retention sweep found. */
export interface RetentionSweepReport {
  day: string;
  /** Active records whose due date has come. */
  due: number;
  /** Of those, the ones that became due since the previous sweep. */
  newlyDue: string[];
  /** Due records that a legal hold keeps from disposal. */
  dueButHeld: string[];
  activeHolds: number;
  /** Disposals whose execution had been interrupted and was finished now. */
  resumedDisposals: number;
}

/**
 * The daily sweep: finishes interrupted disposals, then finds the records that have become due
 * (since `since`, the day of the previous sweep) and which due records are under legal hold. The
 * findings are an audit event and the job's result; the disposal list shows them live.
 */
export async function runRetentionSweep(ctx: ServiceContext, since: string | null): Promise<RetentionSweepReport> {
  const day = today(ctx.clock);
  const resumedDisposals = await resumeUnfinishedDisposals(ctx);
  const due = await ctx.db
    .select({ id: records.id, number: records.number, dueOn: records.dueOn })
    .from(records)
    .where(and(eq(records.status, "active"), isNotNull(records.dueOn), lte(records.dueOn, day)));
  const newly = since
    ? await ctx.db
        .select({ number: records.number })
        .from(records)
        .where(and(eq(records.status, "active"), gt(records.dueOn, since), lte(records.dueOn, day)))
    : due;
  const holds = await holdsCovering(ctx.db, due.map((r) => r.id));
  const report: RetentionSweepReport = {
    day,
    due: due.length,
    newlyDue: newly.map((r) => r.number),
    dueButHeld: due.filter((r) => holds.has(r.id)).map((r) => r.number),
    activeHolds: (await repo.listActiveHolds(ctx.db)).length,
    resumedDisposals,
  };
  await inTransaction(ctx, async (t) =>
    audit(t, retentionSwept, day, { ...report }),
  );
  return report;
}

/** When the retention sweep last finished (for the disposal page), or null if it never has. */
export async function lastRetentionSweep(ctx: ServiceContext): Promise<Date | null> {
  requirePrincipal(ctx);
  const [last] = (await listJobs(ctx.db, "retention-sweep", 5)).filter((j) => j.status === "done");
  return last?.finishedAt ?? null;
}

/** Daily at 01:00 China time: the retention sweep (after the contracts' dates have moved them on at 00:00). */
export const retentionSweepJob = defineJob({
  kind: "retention-sweep",
  payload: z.object({}),
  dailyAtHourCst: 1,
  run: async ({ ctx }) => {
    const [previous] = (await listJobs(ctx.db, "retention-sweep", 20)).filter((j) => j.status === "done" && j.result);
    const since = (previous?.result as { day?: string } | null)?.day ?? null;
    return { ...(await runRetentionSweep(ctx, since)) };
  },
});
