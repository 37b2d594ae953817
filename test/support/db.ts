import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import postgres from "postgres";
import { inject } from "vitest";
import { openPglite, openPostgres, type Database } from "../../src/db/client";
import { withDatabase } from "./global-setup";

/**
 * A fresh, migrated database for one test file: PGlite loaded from the run's template, or a new
 * PostgreSQL database copied from the template database when DATABASE_URL is set.
 */
export async function createTestDatabase(): Promise<Database & { url?: string }> {
  const url = process.env.DATABASE_URL;
  const pgTemplate = inject("postgresTemplate");
  if (url && pgTemplate) {
    const name = `t_${pgTemplate.slice(-8)}_${randomBytes(4).toString("hex")}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${pgTemplate}`);
    } finally {
      await admin.end();
    }
    const dbUrl = withDatabase(url, name);
    const database = openPostgres(dbUrl, { max: 5 });
    return {
      ...database,
      url: dbUrl,
      close: async () => {
        await database.close();
        const again = postgres(url, { max: 1, onnotice: () => {} });
        await again.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await again.end();
      },
    };
  }
  const tar = await readFile(inject("pgliteTemplate"));
  return openPglite({ loadDataDir: new Blob([tar]) });
}
