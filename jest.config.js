/** Tests run transpile-only (swc); `npm test` type-checks once with tsc --noEmit first. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }] },
  reporters: ["default", "<rootDir>/tests/support/summaryReporter.js"],
  testTimeout: 30000,
};
