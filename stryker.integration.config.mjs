// Mutation testing of src/gateway and src/delivery against the unit tests plus the integration
// tests that run that code in the test's process (vitest.mutate-integration.config.ts):
// `npm run mutate:integration`. Needs a server: MONGODB_URI, or FerretDB from
// scripts/mongo-server.sh. See docs/development.md ("Mutation testing").
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: 'vitest.mutate-integration.config.ts' },
  mutate: ['src/gateway/**/*.ts', 'src/delivery/**/*.ts'],
  // As the unit run, but the integration tests are copied too. .tools stays out (a link to
  // Node and FerretDB that Stryker would copy whole); the vitest config links it instead.
  ignorePatterns: ['.tools', '.python-env', 'dist', 'reports'],
  // perTest, as the unit run: the integration tests chosen run the code in their own process,
  // so their coverage is seen, and each mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  incrementalFile: 'reports/stryker-integration-incremental.json',
  // Added to each mutant's expected time (1.5 x the test's own): a test that restarts its own
  // server takes about 4 s, and a mutant that makes a request hang costs this much per test.
  timeoutMS: 10_000,
  htmlReporter: { fileName: 'reports/mutation-integration/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation-integration/mutation.json' },
};
