/** Tests run transpile-only (esbuild, tests/support/esbuildTransform.js); `npm test` type-checks once with tsc --noEmit first. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "<rootDir>/tests/support/esbuildTransform.js" },
  setupFilesAfterEnv: ["<rootDir>/tests/support/pulumiStacks.ts"],
  globalSetup: "<rootDir>/tests/support/globalSetup.ts",
  reporters: ["default", "<rootDir>/tests/support/summaryReporter.js"],
  testTimeout: 30000,
  // Jest's default (cores − 1) is one worker on a 2-core machine; the main process mostly waits, so use both cores.
  maxWorkers: 2,
};
