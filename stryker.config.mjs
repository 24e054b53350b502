// Mutation testing of the core: `npm run mutate`. See docs/development.md ("Mutation testing").
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.unit.config.ts' },
  mutate: [
    'src/document/**/*.ts',
    'src/delivery/**/*.ts',
    'src/storage/**/*.ts',
    'src/pipeline/transform.ts',
    'src/pipeline/route.ts',
    'src/pipeline/stack-frame.ts',
    'src/metrics/accumulator.ts',
    'src/metrics/transform.ts',
  ],
  // Only what the unit tests need is copied to Stryker's sandbox (.tools is a link to Node and FerretDB).
  ignorePatterns: ['.tools', '.python-env', 'dist', 'reports', 'test/integration'],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level constants) need every test per mutant: hours on a small
  // machine. They are left out of the score; see docs/development.md.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
};
