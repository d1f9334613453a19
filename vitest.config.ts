import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // DuckDB and the numeric fits are CPU-bound; two workers match the 2-core machines CI runs on.
    maxWorkers: 2,
  },
});
