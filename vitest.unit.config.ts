import { defineConfig } from 'vitest/config';

// The unit tests alone: no server, no global setup. Used by `npm run mutate` (Stryker),
// which runs them once per mutant.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
