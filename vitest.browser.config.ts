import { defineConfig } from "vitest/config";

/** Browser tests: real Chromium (Debian package) driven by playwright-core against a served instance. */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.{ts,tsx}"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
