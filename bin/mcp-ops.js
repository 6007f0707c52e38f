#!/usr/bin/env node
// `npx mcp-ops …`: runs ops/cli.ts through tsx's CommonJS loader (transpile-only, no build step).
require("tsx/cjs");
const { runOps, defaultDeps } = require("../ops/cli.ts");
runOps(process.argv.slice(2), defaultDeps()).then((code) => process.exit(code));
