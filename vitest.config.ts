import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    exclude: ["test/browser/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
