/**
 * A throw-away, migrated database for a benchmark: embedded PGlite in a temporary data directory
 * (as `custos` runs by default), or, when DATABASE_URL is set, a new database on that server
 * that is dropped afterwards. No other database on the server is touched.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { openPglite, openPostgres, type Database } from "../../src/db/client";
import { runMigrations } from "../../src/db/migrate";
import { sql } from "drizzle-orm";
import { loadConfig } from "../../src/config";
import type { Classification } from "../../src/core/auth/permissions";
import { silentLogger, type ServiceContext } from "../../src/core/context";
import { assembleDeps } from "../../src/core/jobs/runner";
import type { Registry } from "../../src/core/registry";
import { LocalBlobStore } from "../../src/core/storage/local";

/** An open benchmark database and how to get rid of it. */
export interface BenchDatabase {
  database: Database;
  /** "PGlite (…)" or "PostgreSQL 16.x (…)", for the report. */
  description: string;
  dispose(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates and migrates the database; `dispose` closes and removes it. */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const dataDir = await mkdtemp(join(tmpdir(), "custos-bench-pglite-"));
    try {
      const database = await openPglite({ dataDir });
      await runMigrations(database);
      return {
        database,
        description: "PGlite, embedded, data directory on local disk",
        dispose: async () => {
          await database.close();
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }
  const name = `custos_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const drop = async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  try {
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`);
    const [{ server_version: version } = { server_version: "?" }] = await admin<{ server_version: string }[]>`show server_version`;
    const dbUrl = withDatabase(url, name);
    const database = openPostgres(dbUrl, { max: 4 });
    try {
      await runMigrations(database, dbUrl);
    } catch (error) {
      await database.close();
      throw error;
    }
    const host = new URL(url).host;
    return {
      database,
      description: `PostgreSQL ${version} at ${host}, database ${name} (dropped afterwards)`,
      dispose: async () => {
        await database.close();
        await drop();
      },
    };
  } catch (error) {
    await drop();
    throw error;
  }
}

/**
 * An IP manager cleared `clearance` in the bench database, and a service context acting as them
 * over `registry`: whose reads the benchmarks time (the same rule a real reader goes through).
 */
export async function benchReader(db: Database["db"], registry: Registry, displayName: string, clearance: Classification): Promise<ServiceContext> {
  const userId = `usr_bench${randomBytes(4).toString("hex")}`;
  await db.execute(sql`insert into users (id, username, display_name, password_hash, roles, clearance, password_changed_at, created_at, updated_at)
    values (${userId}, ${`bench-${userId.slice(-6)}`}, ${displayName}, 'x', '{ip-manager}', ${clearance}, now(), now(), now())`);
  return {
    ...assembleDeps({
      registry,
      db,
      storage: new LocalBlobStore("/tmp/custos-bench-unused"),
      clock: { now: () => new Date() },
      logger: silentLogger,
      config: loadConfig({}),
      masterKey: randomBytes(32),
    }),
    principal: { id: userId, username: "bench", displayName, roles: ["ip-manager"], departmentId: null, clearance, locale: "zh-CN", mustChangePassword: false },
    actor: { userId, label: "bench" },
    request: { ip: null, userAgent: null, requestId: null },
  };
}
