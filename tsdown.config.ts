import { defineConfig } from 'tsdown';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    platform: 'node',
    target: 'node22',
    sourcemap: true,
    clean: true,
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
  },
]);
