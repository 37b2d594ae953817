import { AUDIT_PACKAGE_JOB, runAuditPackageJob } from "../audit-package/service";
import type { AppDeps } from "../context";
import { advanceContracts } from "../contracts/service";
import { ACKNOWLEDGEMENT_REOPEN_JOB, runAcknowledgementReopen } from "../documents/acknowledgements";
import { completeDisposal } from "../records/disposal";
import { runFixityCheck } from "../records/fixity";
import { processImport } from "../records/import/service";
import { runRetentionSweep } from "../records/sweep";
import { listJobs } from "./queue";
import { JobRunner, type DailyJob, type JobHandler } from "./runner";

/** The daily jobs: the retention sweep at 01:00 and the fixity check at 02:00 (China Standard Time). */
export const DAILY_JOBS: DailyJob[] = [
  { kind: "retention-sweep", hourCst: 1 },
  { kind: "fixity-check", hourCst: 2 },
];

/** What each kind of job does. */
export const JOB_HANDLERS: Record<string, JobHandler> = {
  "retention-sweep": async ({ ctx }) => {
    const previous = (await listJobs(ctx.db, "retention-sweep", 20)).find((j) => j.status === "done" && j.result);
    const contracts = await advanceContracts(ctx);
    const sweep = await runRetentionSweep(ctx, ((previous?.result as { day?: string } | null)?.day as string | undefined) ?? null);
    return { ...sweep, contracts };
  },
  "fixity-check": async ({ ctx, heartbeat }) => ({ ...(await runFixityCheck(ctx, { heartbeat })) }),
  "disposal-complete": async ({ ctx, job }) => {
    await completeDisposal(ctx, (job.payload as { disposalId: string }).disposalId);
    return {};
  },
  "csv-import": async ({ ctx, job, heartbeat }) => processImport(ctx, (job.payload as { batchId: string }).batchId, heartbeat),
  [AUDIT_PACKAGE_JOB]: runAuditPackageJob,
  [ACKNOWLEDGEMENT_REOPEN_JOB]: async ({ ctx, job }) => runAcknowledgementReopen(ctx, job.payload as { documentId: string; previousRevisionId: string; revisionId: string }),
};

const runners = new WeakMap<AppDeps, JobRunner>();

/** The job runner of an instance (one per set of dependencies). */
export function jobRunnerFor(deps: AppDeps): JobRunner {
  let runner = runners.get(deps);
  if (!runner) {
    runner = new JobRunner(deps, JOB_HANDLERS, DAILY_JOBS);
    runners.set(deps, runner);
  }
  return runner;
}

export { JobRunner } from "./runner";
