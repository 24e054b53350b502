import { defineConfig } from 'tsdown';

// Rolldown's report of slow plugins is noise in every build log; it is not a warning about the output.
const checks = { pluginTimings: false };

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    platform: 'node',
    target: 'node22',
    sourcemap: true,
    clean: true,
    checks,
  },
  {
    // The CLI (package `bin`): its own bundle, which the library's entry never loads.
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    platform: 'node',
    target: 'node22',
    sourcemap: true,
    clean: false,
    checks,
  },
]);
