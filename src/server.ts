import { serve } from "@hono/node-server";
import { createApp } from "./app";
import { openRuntime } from "./boot";
import { ConfigError, loadConfig } from "./config";
import { systemContext } from "./core/context";
import { activateDueRevisions } from "./core/documents/revisions";
import { jobRunnerFor } from "./core/jobs/index";
import { ensurePki } from "./core/signatures/authority";
import { remindOverdueSigners } from "./core/signatures/requests/reminders";
import { ensureInitialAdmin } from "./core/users/service";
import { DataDirLockedError } from "./db/data-dir-lock";
import { DatabaseUnsuitableError } from "./db/migrate";

/** Node entry: config → database → migrations → storage → first admin → serve. */
async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig(process.env);
  const runtime = await openRuntime(config);
  const { deps } = runtime;
  const admin = await ensureInitialAdmin(deps);
  await ensurePki(deps);
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: config.port }, (info) => {
    const url = config.publicUrl ?? `http://localhost:${info.port}`;
    deps.logger.info("custos listening", {
      url,
      database: runtime.database.kind,
      storage: deps.storage.kind,
      startupMs: Math.round(performance.now() - started),
    });
    if (admin) {
      console.log(
        [
          "",
          "  Custos is ready. A first administrator was created:",
          `    sign in at  ${url}/sign-in`,
          `    username    ${admin.username}`,
          `    password    ${admin.password}`,
          "  This password is shown only now; you will be asked to change it at first sign-in.",
          "",
        ].join("\n"),
      );
    }
  });
  // hourly: remind signers of overdue requests (each at most once a day) and put approved revisions
  // in force on their effective date; both are safe to run from several instances at once
  const hourly = async () => {
    await remindOverdueSigners(deps).catch((err) => deps.logger.error("reminders failed", { error: String(err) }));
    await activateDueRevisions(systemContext(deps)).catch((err) => deps.logger.error("activation failed", { error: String(err) }));
  };
  await hourly();
  const reminders = setInterval(() => void hourly(), 3_600_000);
  reminders.unref();
  // background jobs (daily retention sweep and fixity check, CSV imports, finishing disposals): a
  // Postgres-backed queue polled every 30 s; several instances share it, each job runs once
  const jobs = jobRunnerFor(deps);
  jobs.start(30_000);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.logger.info("custos stopping", { signal });
    clearInterval(reminders);
    await jobs.stop();
    server.close();
    await runtime.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DatabaseUnsuitableError || err instanceof DataDirLockedError) {
    console.error(err.message);
  } else {
    console.error("Custos failed to start:", err);
  }
  process.exit(1);
});
