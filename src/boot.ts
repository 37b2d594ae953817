import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Config } from "./config";
import { jsonLogger, systemClock, type AppDeps, type Clock, type Logger } from "./core/context";
import { loadOrCreateMasterKey } from "./core/keys";
import { createBlobStore } from "./core/storage/index";
import { openPglite, openPostgres, type Database } from "./db/client";
import { lockDataDir, type LockRequest } from "./db/data-dir-lock";
import { runMigrations } from "./db/migrate";
import { createRegistry } from "./core/extensions";
import { installedModules } from "./modules";
import { assembleDeps } from "./core/jobs/runner";

/** Everything a running instance holds open, and how to close it. */
export interface Runtime {
  deps: AppDeps;
  database: Database;
  masterKeyCreated: boolean;
  close(): Promise<void>;
}

/**
 * Opens the database (embedded PGlite under CUSTOS_DATA_DIR, or PostgreSQL), applies the
 * migrations, opens blob storage (removing what interrupted uploads left there) and loads the
 * master key. Used by the server and the CLI. The
 * embedded database is opened by one process at a time: its data directory is locked (see
 * data-dir-lock.ts) until `close()`, and a second opener gets a {@link DataDirLockedError}.
 */
export async function openRuntime(
  config: Config,
  options: { logger?: Logger; clock?: Clock; migrate?: boolean; holder?: LockRequest } = {},
): Promise<Runtime> {
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const lock = config.databaseUrl ? null : lockDataDir(dataDir, options.holder ?? { role: "server", command: "start" });
  let database: Database;
  try {
    database = config.databaseUrl ? openPostgres(config.databaseUrl) : await openPglite({ dataDir: join(dataDir, "db") });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const close = async () => {
    try {
      await database.close();
    } finally {
      lock?.release();
    }
  };
  try {
    if (options.migrate !== false) await runMigrations(database, config.databaseUrl);
    let masterKey = config.masterKey;
    let masterKeyCreated = false;
    if (!masterKey) {
      const loaded = await loadOrCreateMasterKey(dataDir);
      masterKey = loaded.key;
      masterKeyCreated = loaded.created;
    }
    const logger = options.logger ?? jsonLogger;
    const storage = createBlobStore({ ...config, dataDir });
    // what a crash left half written (it may hold a record's bytes): with the embedded database this
    // process holds the data directory's lock, so no one else can be writing and all of it is dead
    // (storage out of reach now is no reason not to start: /healthz says so, the next start cleans)
    const cleaned = await storage.cleanUpTemp({ exclusive: lock !== null }).catch((err: unknown) => {
      logger.warn("could not remove what interrupted uploads left in blob storage; the next start tries again", { storage: storage.kind, error: err instanceof Error ? err.message : String(err) });
      return null;
    });
    if (cleaned && (cleaned.removed > 0 || cleaned.abortedUploads > 0)) {
      logger.info("removed what interrupted uploads left in blob storage", { storage: storage.kind, removed: cleaned.removed, bytes: cleaned.bytes, abortedUploads: cleaned.abortedUploads });
    }
    for (const note of cleaned?.notes ?? []) logger.warn(note, { storage: storage.kind });
    const deps = assembleDeps({
      registry: createRegistry(installedModules),
      db: database.db,
      storage,
      clock: options.clock ?? systemClock,
      logger,
      config: { ...config, dataDir },
      masterKey,
    });
    return { deps, database, masterKeyCreated, close };
  } catch (err) {
    await close();
    throw err;
  }
}
