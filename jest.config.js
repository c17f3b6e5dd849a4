// The AWS SDK warns once per process (every test worker) that it will need Node 22 from 2027; the
// project already tests Node 24 in CI, so the tests keep quiet about it. `skein serve` still warns.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { findChromium } = require('./test/e2e/chromium');

// The browser suite (test/e2e) needs the system's Chromium, which `npm test`'s prerequisites (Node
// and Java) do not include. Without one it is left out, visibly (one line, not skipped tests that
// pass quietly); CI sets SKEIN_REQUIRE_BROWSER=1, where a missing browser fails the suite instead.
const chromium = findChromium();
const leaveOutBrowserTests = !chromium.found && process.env.SKEIN_REQUIRE_BROWSER !== '1';
if (leaveOutBrowserTests) {
  process.stderr.write(
    `browser tests not run: no Chromium at ${chromium.path} (apt-get install chromium, or set CHROMIUM_PATH); ` +
      'CI installs it\n',
  );
}

/** @type {import('jest').Config} */
module.exports = {
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  testEnvironment: 'node',
  // type-graphql's decorators need the Reflect metadata API before any type module loads.
  setupFiles: ['reflect-metadata'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...(leaveOutBrowserTests ? ['<rootDir>/test/e2e/'] : [])],
  // Starts Neo4j and S3Proxy once per run (unless NEO4J_URI / S3_ENDPOINT point at running ones);
  // the env vars it sets are inherited by the test workers.
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  testTimeout: 30_000,
};
