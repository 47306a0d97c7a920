import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Integration tests start their own dynalite; two workers match the two cores CI has.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The handlers' structured logs are for CloudWatch; tests assert on results and the audit trail.
    env: { POWERTOOLS_LOG_LEVEL: "SILENT" },
  },
});
