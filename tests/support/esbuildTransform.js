/**
 * Jest's transform: esbuild strips the types (transpile-only, like ts-jest's isolatedModules but several times
 * faster; import() becomes require(), as ts-jest made it), `npm test` type-checks the whole project once with tsc --noEmit first.
 */
const { createHash } = require("node:crypto");
const { transformSync, version } = require("esbuild");

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, { loader: "ts", format: "cjs", target: "node20", supported: { "dynamic-import": false }, sourcemap: true, sourcefile: filename });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return createHash("sha256").update(version).update(filename).update(source).digest("hex");
  },
};
