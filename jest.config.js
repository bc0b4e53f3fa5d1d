/**
 * Test projects: fast pure tests run in parallel; integration tests share one devhost stack
 * (Azurite, the Cosmos emulator and the host) started by the global setup on free ports.
 * @type {import('jest').Config}
 */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }];
const base = {
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
  // npm run package stages a copy of package.json there.
  modulePathIgnorePatterns: ['<rootDir>/dist/azure-package/'],
  // The Functions worker injects @azure/functions-core; in-process tests get devhost's registry.
  moduleNameMapper: {
    '^@azure/functions-core$': '<rootDir>/devhost/testing/functions-core-module.ts',
  },
};

module.exports = {
  // A stack that a timed-out test was still starting has no one left to stop it. Jest exits
  // anyway once the run is over; the stack's processes watch it and exit with it.
  forceExit: true,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/test/unit/**/*.test.ts',
        '<rootDir>/test/entities/**/*.test.ts',
        '<rootDir>/test/orchestrators/**/*.test.ts',
        '<rootDir>/test/conformance/**/*.test.ts',
      ],
    },
    {
      ...base,
      // The Azure template (compiled with the real Bicep compiler) and what the app registers.
      displayName: 'deploy',
      testMatch: ['<rootDir>/test/deploy/**/*.test.ts'],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration/timeout.ts'],
    },
    {
      ...base,
      // The web app in Chromium: one Jest test per Playwright test (test/browser/playwright.test.ts).
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
    },
  ],
};
