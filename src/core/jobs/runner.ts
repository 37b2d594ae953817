import { randomBytes } from "node:crypto";
import type { JobRow } from "../../db/schema/jobs";
import { systemContext, type AppDeps, type ServiceContext } from "../context";
import { claimNextJob, enqueueJob, extendLease, failJob, finishJob } from "./queue";

/** What a job handler gets: a system context, the job, and a way to keep its lease while it works. */
export interface JobContext {
  ctx: ServiceContext;
  job: JobRow;
  heartbeat(): Promise<void>;
}

export type JobHandler = (jc: JobContext) => Promise<Record<string, unknown>>;

/** A daily job: its kind and the time of day (China Standard Time) it is due. */
export interface DailyJob {
  kind: string;
  hourCst: number;
}

/** How long a claimed job is ours before another instance may take it over. */
const LEASE_MS = 15 * 60_000;

/** The day (YYYY-MM-DD, UTC+8) and the instant `hour`:00 of that day in China Standard Time. */
function dailySlot(now: Date, hour: number): { day: string; at: Date } {
  const day = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  return { day, at: new Date(Date.parse(`${day}T00:00:00Z`) + (hour - 8) * 3_600_000) };
}

/**
 * Runs background work: every tick it enqueues today's run of each daily job (once across all
 * instances: the dedupe key is the kind and the day) and then runs every due job, one at a time.
 */
export class JobRunner {
  private readonly worker = `worker-${randomBytes(4).toString("hex")}`;
  private running: Promise<number> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: AppDeps,
    private readonly handlers: Record<string, JobHandler>,
    private readonly daily: DailyJob[],
  ) {}

  /** Enqueues today's daily jobs (idempotent). */
  async schedule(): Promise<void> {
    const now = this.deps.clock.now();
    for (const d of this.daily) {
      const slot = dailySlot(now, d.hourCst);
      await enqueueJob(this.deps.db, { kind: d.kind, runAt: slot.at, dedupeKey: `${d.kind}:${slot.day}`, maxAttempts: 3 }, now);
    }
  }

  /** Runs due jobs until none is left; returns how many ran. Overlapping calls share one pass. */
  runDue(): Promise<number> {
    if (!this.running) {
      this.running = this.drain().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private async drain(): Promise<number> {
    let ran = 0;
    for (;;) {
      const now = this.deps.clock.now();
      const job = await claimNextJob(this.deps.db, now, LEASE_MS, this.worker);
      if (!job) return ran;
      ran++;
      await this.run(job);
    }
  }

  private async run(job: JobRow): Promise<void> {
    const { deps } = this;
    const handler = this.handlers[job.kind];
    const started = performance.now();
    try {
      if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
      const result = await handler({
        ctx: systemContext(deps),
        job,
        heartbeat: () => extendLease(deps.db, job.id, new Date(deps.clock.now().getTime() + LEASE_MS)),
      });
      await finishJob(deps.db, job.id, deps.clock.now(), result);
      deps.logger.info("job done", { kind: job.kind, id: job.id, ms: Math.round(performance.now() - started) });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await failJob(deps.db, job, deps.clock.now(), message);
      deps.logger.error("job failed", { kind: job.kind, id: job.id, attempt: job.attempts, error: message });
    }
  }

  /** One scheduling and running pass. */
  async tick(): Promise<void> {
    await this.schedule();
    await this.runDue();
  }

  /** Ticks every `intervalMs` (and once now); the timer does not keep the process alive. */
  start(intervalMs: number): void {
    const tick = () => this.tick().catch((err) => this.deps.logger.error("job runner tick failed", { error: String(err) }));
    void tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  /** Stops ticking and waits for the job in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Runs work that was just enqueued without waiting for the next tick. */
  kick(): void {
    setImmediate(() => void this.runDue().catch((err) => this.deps.logger.error("job runner failed", { error: String(err) })));
  }
}
