import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { jobs, type JobRow } from "../../db/schema/jobs";
import { rowsOf } from "../../db/sql";
import { newId } from "../../lib/ids";

/**
 * A small Postgres-backed job queue (see src/db/schema/jobs.ts). Why not pg-boss or
 * graphile-worker: both drive their own connection pool over the pg wire protocol (graphile-worker
 * needs a pg.Pool and LISTEN; pg-boss sends multi-statement transactions through `pg`), which the
 * embedded PGlite default does not offer, and both bring a second schema and migration system
 * beside drizzle's. Custos needs a few kinds of idempotent work claimed by one instance at a time:
 * this table, FOR UPDATE SKIP LOCKED and a lease give exactly that on PGlite and PostgreSQL alike.
 */

export interface EnqueueInput {
  kind: string;
  payload?: Record<string, unknown>;
  runAt: Date;
  /** At most one job per key is ever enqueued (scheduled runs, one resume per disposal …). */
  dedupeKey?: string;
  maxAttempts?: number;
}

/** Enqueues a job (in the caller's transaction, if it is one). A duplicate key enqueues nothing. */
export async function enqueueJob(db: Db, input: EnqueueInput, now: Date): Promise<boolean> {
  const inserted = await db
    .insert(jobs)
    .values({
      id: newId("job"),
      kind: input.kind,
      dedupeKey: input.dedupeKey ?? null,
      payload: input.payload ?? {},
      status: "queued",
      runAt: input.runAt,
      attempts: 0,
      maxAttempts: input.maxAttempts ?? 5,
      lockedUntil: null,
      lockedBy: null,
      lastError: null,
      result: null,
      createdAt: now,
      finishedAt: null,
    })
    .onConflictDoNothing({ target: jobs.dedupeKey })
    .returning({ id: jobs.id });
  return inserted.length > 0;
}

/**
 * Claims the next due job: queued and due, or running with an expired lease (its worker died).
 * Concurrent claimers skip each other's locked rows, so a job runs once at a time.
 */
export async function claimNextJob(db: Db, now: Date, leaseMs: number, worker: string): Promise<JobRow | undefined> {
  const result = await db.execute(sql`
    update ${jobs} set status = 'running', attempts = ${jobs.attempts} + 1,
      locked_until = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz, locked_by = ${worker}
    where ${jobs.id} = (
      select ${jobs.id} from ${jobs}
      where (${jobs.status} = 'queued' and ${jobs.runAt} <= ${now.toISOString()}::timestamptz)
         or (${jobs.status} = 'running' and ${jobs.lockedUntil} < ${now.toISOString()}::timestamptz)
      order by ${jobs.runAt}
      limit 1
      for update skip locked)
    returning id`);
  const id = rowsOf<{ id: string }>(result)[0]?.id;
  if (!id) return undefined;
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  return row;
}

/** Extends a running job's lease (long jobs call this between chunks). */
export async function extendLease(db: Db, id: string, until: Date): Promise<void> {
  await db.update(jobs).set({ lockedUntil: until }).where(and(eq(jobs.id, id), eq(jobs.status, "running")));
}

export async function finishJob(db: Db, id: string, at: Date, result: Record<string, unknown>): Promise<void> {
  await db.update(jobs).set({ status: "done", finishedAt: at, result, lockedUntil: null }).where(eq(jobs.id, id));
}

/** A failed attempt: retried later with backoff, or failed for good after the last attempt. */
export async function failJob(db: Db, job: JobRow, at: Date, error: string): Promise<void> {
  const final = job.attempts >= job.maxAttempts;
  const backoffMs = Math.min(3_600_000, 30_000 * 2 ** (job.attempts - 1));
  await db
    .update(jobs)
    .set({
      status: final ? "failed" : "queued",
      lastError: error.slice(0, 4000),
      lockedUntil: null,
      runAt: final ? job.runAt : new Date(at.getTime() + backoffMs),
      finishedAt: final ? at : null,
    })
    .where(eq(jobs.id, job.id));
}

/** The latest runs of a kind (for the pages and the dashboard). */
export async function listJobs(db: Db, kind: string, limit = 10): Promise<JobRow[]> {
  return db.select().from(jobs).where(eq(jobs.kind, kind)).orderBy(desc(jobs.createdAt)).limit(limit);
}

