import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import type { Database, Db } from "./client";
import { openPostgres } from "./client";
import { rowsOf } from "./sql";

/** The folder drizzle-kit generates migrations into (resolved when asked, never at import time). */
function migrationsFolder(): string {
  return fileURLToPath(new URL("../../drizzle", import.meta.url));
}

/** Thrown when the database cannot hold Custos data correctly (e.g. a C locale that breaks CJK search). */
export class DatabaseUnsuitableError extends Error {
  override name = "DatabaseUnsuitableError";
}

/**
 * Applies every pending migration. On PostgreSQL it runs on one dedicated connection under an
 * advisory lock, so instances starting together migrate once.
 */
export async function runMigrations(database: Database, url?: string): Promise<void> {
  if (database.kind === "pglite") {
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: migrationsFolder() });
  } else {
    if (!url) throw new Error("runMigrations needs the database URL for PostgreSQL");
    const single = openPostgres(url, { max: 1 });
    try {
      await single.db.execute(sql`select pg_advisory_lock(7402291, 1)`);
      try {
        await migratePostgres(single.db as unknown as PostgresJsDatabase, { migrationsFolder: migrationsFolder() });
      } finally {
        await single.db.execute(sql`select pg_advisory_unlock(7402291, 1)`);
      }
    } finally {
      await single.close();
    }
  }
  await assertCjkSearchWorks(database.db);
}

/**
 * pg_trgm extracts no trigrams from Chinese text in a database whose LC_CTYPE is "C"; search would
 * silently find nothing. Refuse such a database with a message saying how to fix it.
 */
export async function assertCjkSearchWorks(db: Db): Promise<void> {
  const rows = await db.execute(sql`select cardinality(show_trgm('知识产权')) as n`);
  const n = Number(rowsOf<{ n: number }>(rows)[0]?.n ?? 0);
  if (n === 0) {
    throw new DatabaseUnsuitableError(
      "This PostgreSQL database uses a character-type locale (LC_CTYPE) under which pg_trgm cannot index Chinese text. " +
        "Create the database with a UTF-8 locale, e.g. CREATE DATABASE custos TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'.",
    );
  }
}
