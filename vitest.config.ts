import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    // test/postgres holds what only a PostgreSQL server can show (a C-locale database); it runs
    // with DATABASE_URL (as .ci/run does), and is not part of the embedded run at all
    exclude: ["test/browser/**", ...(process.env.DATABASE_URL ? [] : ["test/postgres/**"])],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
