import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  clean: true,
  // Rolldown's report of slow plugins is noise in every build log; it is not a warning about the output.
  checks: { pluginTimings: false },
});
