import { existsSync, realpathSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The unit tests plus the integration tests that drive src/gateway and src/delivery in the
// test's own process: used by `npm run mutate:integration` (stryker.integration.config.mjs).
// Tests that exercise the code in a child process are left out: Stryker's vitest runner
// activates a mutant in its own process only, so a child always runs the original code
// (docs/development.md, "Mutation testing").
const here = dirname(fileURLToPath(import.meta.url));

// In Stryker's sandbox (.stryker-tmp/sandbox-*/) there is no .tools: Stryker would copy the
// link's whole target (Node and FerretDB), so the config leaves it out. Link it to the
// checkout's, so that the global setup and the tests that stop their own server find FerretDB.
const checkoutTools = join(here, '..', '..', '.tools');
if (
  basename(dirname(here)) === '.stryker-tmp' &&
  !existsSync(join(here, '.tools')) &&
  existsSync(checkoutTools)
) {
  symlinkSync(realpathSync(checkoutTools), join(here, '.tools'));
}

export default defineConfig({
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/integration/gateway/auth.test.ts',
      'test/integration/gateway/authorisation.test.ts',
      'test/integration/gateway/database-down.test.ts',
      'test/integration/gateway/exactly-once.test.ts',
      'test/integration/gateway/hostile.test.ts',
      'test/integration/gateway/node-otlp.test.ts',
      'test/integration/gateway/protocol.test.ts',
      'test/integration/reliability.test.ts',
      'test/integration/writer-reconnect.test.ts',
    ],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
