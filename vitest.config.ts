import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["actions/**/*.test.ts", "emulators/**/*.test.ts", "test/**/*.test.ts", "scripts/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Tests start real servers (HTTP, PostgreSQL, Prometheus) on loopback; two cores here.
    pool: "forks",
    maxWorkers: 2,
  },
});
