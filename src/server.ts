import { serve, type ServerType } from "@hono/node-server";
import { createApp, type App } from "./app";
import { openRuntime } from "./boot";
import { ConfigError, loadConfig } from "./config";
import { systemContext } from "./core/context";
import { syncRecordTypeClasses } from "./core/items/service";
import { ensurePki } from "./core/signatures/authority";
import { ensureInitialAdmin } from "./core/users/service";
import { DataDirLockedError } from "./db/data-dir-lock";
import { DatabaseUnsuitableError } from "./db/migrate";

/** The port could not be bound; the message says which and what to do. */
class PortUnavailableError extends Error {
  override name = "PortUnavailableError";
}

/** Binds the port and resolves once the server listens; rejects (PortUnavailableError when it is taken or forbidden) otherwise. */
function listen(app: App, port: number): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port }, (info) => {
      server.off("error", failed);
      resolve({ server, port: info.port });
    });
    const failed = (err: NodeJS.ErrnoException) => {
      server.close();
      if (err.code === "EADDRINUSE") {
        reject(new PortUnavailableError(`Custos cannot start: port ${port} is already in use. Stop what uses it, or choose another port with PORT.`));
      } else if (err.code === "EACCES") {
        reject(new PortUnavailableError(`Custos cannot start: this user may not listen on port ${port}. Choose a port above 1023 with PORT.`));
      } else {
        reject(err);
      }
    };
    server.once("error", failed);
  });
}

/** Node entry: config → database → migrations → storage → serve → first admin. */
async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig(process.env);
  const runtime = await openRuntime(config);
  const { deps } = runtime;
  let server: ServerType;
  let url: string;
  try {
    await ensurePki(deps);
    await syncRecordTypeClasses(systemContext(deps));
    const listening = await listen(createApp(deps), config.port);
    server = listening.server;
    url = config.publicUrl ?? `http://localhost:${listening.port}`;
  } catch (err) {
    await runtime.close();
    throw err;
  }
  // the first administrator only once the port is ours, and printed as soon as it exists: a start
  // that fails never leaves an account whose password nobody saw (`custos reset-admin` recovers one)
  const admin = await ensureInitialAdmin(deps);
  if (admin) {
    console.log(
      [
        "",
        "  Custos is ready. A first administrator was created:",
        `    sign in at  ${url}/sign-in`,
        `    username    ${admin.username}`,
        `    password    ${admin.password}`,
        "  This password is shown only now; you will be asked to change it at first sign-in.",
        "  (Lost it? Stop Custos and run: npm run custos -- reset-admin)",
        "",
      ].join("\n"),
    );
  }
  deps.logger.info("custos listening", {
    url,
    database: runtime.database.kind,
    storage: deps.storage.kind,
    startupMs: Math.round(performance.now() - started),
  });
  // background jobs (the registry's: hourly reminders, revisions coming into force and archive time-stamp renewal, the daily
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
  if (err instanceof ConfigError || err instanceof DatabaseUnsuitableError || err instanceof DataDirLockedError || err instanceof PortUnavailableError) {
    console.error(err.message);
  } else {
    console.error("Custos failed to start:", err);
  }
  process.exit(1);
});
