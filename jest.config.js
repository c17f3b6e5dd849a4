// The AWS SDK warns once per process (every test worker) that it will need Node 22 from 2027; the
// project already tests Node 24 in CI, so the tests keep quiet about it. `skein serve` still warns.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** @type {import('jest').Config} */
module.exports = {
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  testEnvironment: 'node',
  // type-graphql's decorators need the Reflect metadata API before any type module loads.
  setupFiles: ['reflect-metadata'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Starts Neo4j and S3Proxy once per run (unless NEO4J_URI / S3_ENDPOINT point at running ones);
  // the env vars it sets are inherited by the test workers.
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  testTimeout: 30_000,
};
