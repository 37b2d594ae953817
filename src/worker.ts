/**
 * Cloudflare Workers entry. Dependencies are built per request from the bindings (Hyperdrive for
 * PostgreSQL, R2 through its S3 API); migrations are applied out of band with `npm run db:migrate`.
 * The Node entry (server.ts) is the supported runtime today; this entry keeps the design honest
 * (no module-level connections, no file-system assumptions in createApp).
 */
import { createApp } from "./app";
import { loadConfig } from "./config";
import { jsonLogger, systemClock } from "./core/context";
import { S3BlobStore } from "./core/storage/s3";
import { openPostgres } from "./db/client";
import { createRegistry } from "./core/extensions";
import { installedModules } from "./modules";
import { assembleDeps } from "./core/jobs/runner";

/** The bindings wrangler.toml declares. */
export interface WorkerEnv {
  HYPERDRIVE: { connectionString: string };
  S3_ENDPOINT: string;
  S3_BUCKET: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  CUSTOS_MASTER_KEY: string;
  CUSTOS_PUBLIC_URL?: string;
}

interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContextLike): Promise<Response> {
    const config = loadConfig({
      DATABASE_URL: env.HYPERDRIVE.connectionString,
      S3_ENDPOINT: env.S3_ENDPOINT,
      S3_BUCKET: env.S3_BUCKET,
      S3_REGION: "auto",
      S3_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID,
      S3_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY,
      CUSTOS_MASTER_KEY: env.CUSTOS_MASTER_KEY,
      CUSTOS_PUBLIC_URL: env.CUSTOS_PUBLIC_URL,
    });
    const database = openPostgres(config.databaseUrl!, { max: 1 });
    const app = createApp(
      assembleDeps({
        registry: createRegistry(installedModules),
        db: database.db,
        storage: new S3BlobStore(config.s3!),
        clock: systemClock,
        logger: jsonLogger,
        config,
        masterKey: config.masterKey!,
      }),
    );
    const response = await app.fetch(request, env, ctx as never);
    ctx.waitUntil(database.close());
    return response;
  },
};
