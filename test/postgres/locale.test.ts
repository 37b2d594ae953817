import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { openPostgres } from "../../src/db/client";
import { DatabaseUnsuitableError, runMigrations } from "../../src/db/migrate";
import { withDatabase } from "../support/global-setup";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("test/postgres runs against a PostgreSQL server: set DATABASE_URL (vitest.config.ts leaves it out otherwise)");

// PGlite always has a UTF-8 locale; the check matters on a PostgreSQL server, where a database
// created with the C locale leaves pg_trgm unable to index Chinese text
describe("a PostgreSQL database with the C locale", () => {
  it("is refused at start with a message that says how to create a suitable one", async () => {
    const name = `t_clocale_${randomBytes(4).toString("hex")}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
    const dbUrl = withDatabase(url, name);
    const database = openPostgres(dbUrl, { max: 2 });
    try {
      const refused = await runMigrations(database, dbUrl).then(
        () => null,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(DatabaseUnsuitableError);
      expect((refused as Error).message).toMatch(/LC_CTYPE[\s\S]*CREATE DATABASE custos TEMPLATE template0 ENCODING 'UTF8'/);
    } finally {
      await database.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
