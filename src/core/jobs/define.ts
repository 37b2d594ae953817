import type { z } from "zod";
import type { JobRow } from "../../db/schema/jobs";
import type { ServiceContext, TxContext } from "../context";
import { enqueueJob } from "./queue";

/** What a job's handler gets: a system context, its checked payload, the row, and a way to keep its lease. */
export interface JobContext<P> {
  ctx: ServiceContext;
  payload: P;
  job: JobRow;
  heartbeat(): Promise<void>;
}

/**
 * A kind of background work: its name, the shape of its payload (checked when it is enqueued and
 * again when it runs), what it does, and optionally the hour (China Standard Time) it runs every
 * day. Areas and modules register their jobs; the runner knows nothing else about them.
 */
export interface JobDefinition<P> {
  readonly kind: string;
  readonly payload: z.ZodType<P>;
  readonly run: (jc: JobContext<P>) => Promise<Record<string, unknown>>;
  /** Runs once a day from this hour (0–23, China Standard Time), once across all instances. */
  readonly dailyAtHourCst?: number;
  /** Runs once an hour, once across all instances (not retried: the next hour runs it again). */
  readonly hourly?: boolean;
  /** Attempts before it fails for good (default 5; daily jobs 3). */
  readonly maxAttempts?: number;
}

/** Declares a job (see {@link JobDefinition}). */
export function defineJob<S extends z.ZodType>(spec: {
  kind: string;
  payload: S;
  run: (jc: JobContext<z.output<S>>) => Promise<Record<string, unknown>>;
  dailyAtHourCst?: number;
  hourly?: boolean;
  maxAttempts?: number;
}): JobDefinition<z.output<S>> {
  return spec as JobDefinition<z.output<S>>;
}

/**
 * Enqueues a job with a payload of its shape, in the caller's transaction. A duplicate
 * `dedupeKey` enqueues nothing. The work starts once the transaction has committed (at once when
 * it is due now, else when the runner's poll finds it due), never inside it.
 */
export async function enqueue<P>(
  t: TxContext,
  job: JobDefinition<P>,
  payload: P,
  options: { runAt?: Date; dedupeKey?: string; maxAttempts?: number } = {},
): Promise<boolean> {
  const checked = job.payload.parse(payload) as Record<string, unknown>;
  const now = t.clock.now();
  const runAt = options.runAt ?? now;
  const added = await enqueueJob(
    t.db,
    { kind: job.kind, payload: checked, runAt, dedupeKey: options.dedupeKey, maxAttempts: options.maxAttempts ?? job.maxAttempts },
    now,
  );
  if (added && runAt <= now) t.afterCommit.push(() => t.jobs.kick());
  return added;
}
