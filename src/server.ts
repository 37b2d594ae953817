import { serve } from "@hono/node-server";
import { createApp } from "./app";
import { openRuntime } from "./boot";
import { ConfigError, loadConfig } from "./config";
import { ensurePki } from "./core/signatures/authority";
import { ensureInitialAdmin } from "./core/users/service";
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
  // background jobs (the registry's: hourly reminders and revisions coming into force, the daily
  // retention sweep and fixity check, CSV imports, audit packages …): a Postgres-backed queue polled
  // every 30 s; several instances share it, each job runs once
  deps.jobs.start(30_000);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.logger.info("custos stopping", { signal });
    await deps.jobs.stop();
    server.close();
    await runtime.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DatabaseUnsuitableError) {
    console.error(err.message);
  } else {
    console.error("Custos failed to start:", err);
  }
  process.exit(1);
});
