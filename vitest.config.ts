import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CI reads a plain "N passed, N failed" closing line; vitest's own summary is not one it knows.
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 20_000,
    // A two-shard ClickHouse cluster (scripts/clickhouse-cluster.sh) for the cluster tests, stopped by PID at the end.
    globalSetup: ['./test/helpers/cluster-setup.ts'],
  },
});
