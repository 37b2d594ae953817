import { setDisplayTimeZone } from "../../lib/time";
import { randomBytes } from "node:crypto";
import type { JobRow } from "../../db/schema/jobs";
import { systemContext, type AppDeps } from "../context";
import { claimNextJob, enqueueJob, extendLease, failJob, finishJob } from "./queue";

/** How long a claimed job is ours before another instance may take it over. */
const LEASE_MS = 15 * 60_000;

/** The day (YYYY-MM-DD, UTC+8) and the instant `hour`:00 of that day in China Standard Time. */
function dailySlot(now: Date, hour: number): { day: string; at: Date } {
  const day = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  return { day, at: new Date(Date.parse(`${day}T00:00:00Z`) + (hour - 8) * 3_600_000) };
}

/** The start of the current hour, and its key (YYYY-MM-DDTHH, UTC). */
function hourlySlot(now: Date): { key: string; at: Date } {
  const at = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  return { key: at.toISOString().slice(0, 13), at };
}

/**
 * Runs background work: every tick it enqueues the current run of each scheduled job (daily or
 * hourly; once across all instances, since the dedupe key is the kind and the slot) and then runs
 * every due job, one at a time. What each kind does comes from the job registry.
 */
export class JobRunner {
  private readonly worker = `worker-${randomBytes(4).toString("hex")}`;
  private running: Promise<number> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private kicksHeld = false;

  constructor(private readonly deps: AppDeps) {}

  /** Enqueues the current run of every scheduled job (idempotent). */
  async schedule(): Promise<void> {
    const now = this.deps.clock.now();
    for (const job of this.deps.registry.jobDefinitions) {
      if (job.dailyAtHourCst !== undefined) {
        const slot = dailySlot(now, job.dailyAtHourCst);
        await enqueueJob(this.deps.db, { kind: job.kind, runAt: slot.at, dedupeKey: `${job.kind}:${slot.day}`, maxAttempts: job.maxAttempts ?? 3 }, now);
      }
      if (job.hourly) {
        const slot = hourlySlot(now);
        await enqueueJob(this.deps.db, { kind: job.kind, runAt: slot.at, dedupeKey: `${job.kind}:${slot.key}`, maxAttempts: job.maxAttempts ?? 1 }, now);
      }
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
    const definition = deps.registry.job(job.kind);
    const started = performance.now();
    try {
      if (!definition) throw new Error(`no job of kind "${job.kind}" is registered`);
      const payload = definition.payload.parse(job.payload ?? {});
      const result = await definition.run({
        ctx: systemContext(deps),
        payload,
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

  /**
   * Until {@link releaseKicks}, work enqueued is left for the next tick (or an explicit
   * {@link runDue}) instead of running at once: to watch a job queued, e.g. its progress page.
   */
  holdKicks(): void {
    this.kicksHeld = true;
  }

  releaseKicks(): void {
    this.kicksHeld = false;
  }

  /** Runs work that was just enqueued (and committed) without waiting for the next tick. */
  kick(): void {
    if (this.kicksHeld) return;
    setImmediate(() => void this.runDue().catch((err) => this.deps.logger.error("job runner failed", { error: String(err) })));
  }
}

/** Completes an instance's dependencies with its job runner (which needs them in turn). */
export function assembleDeps(base: Omit<AppDeps, "jobs">): AppDeps {
  const deps = { ...base } as AppDeps;
  // every time a person reads (pages, PDFs) is shown in the configured zone
  if (base.config.timeZone) setDisplayTimeZone(base.config.timeZone);
  deps.jobs = new JobRunner(deps);
  return deps;
}

/** The job runner of an instance. */
export function jobRunnerFor(deps: Pick<AppDeps, "jobs">): JobRunner {
  return deps.jobs;
}
