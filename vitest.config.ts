import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CI reads a plain "N passed, N failed" closing line; vitest's own summary is not one it knows.
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 20_000,
  },
});
