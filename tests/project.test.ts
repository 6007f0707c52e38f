import { readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { importCycles, importGraph, reachableFrom } from "./support/importGraph";
import { ConfigError } from "../config/errors";

const root = path.resolve(__dirname, "..");
const projectFile = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));

describe("Pulumi.yaml", () => {
  it("is valid against Pulumi's project schema", () => {
    const schema = JSON.parse(readFileSync(path.join(__dirname, "fixtures/pulumi-project.schema.json"), "utf8"));
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    const valid = validate(projectFile);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("is the mcp-stack TypeScript project with typed config where Pulumi allows it", () => {
    expect(projectFile).toMatchObject({ name: "mcp-stack", runtime: { name: "nodejs", options: { typescript: true } } });
    expect(projectFile.config.environment).toMatchObject({ type: "string" });
  });

  it.each(["dev", "prod"])("Pulumi.%s.yaml only sets keys of this project or the aws provider", (stack) => {
    const config = parse(readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")).config;
    for (const key of Object.keys(config)) expect(key).toMatch(/^(mcp-stack|aws):/);
  });

  it("the package pins TypeScript 5 and every dependency to an exact version", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
    const all = { ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>;
    for (const [name, version] of Object.entries(all)) expect([name, version]).toEqual([name, expect.stringMatching(/^\d+\.\d+\.\d+$/)]);
    expect(all.typescript).toMatch(/^5\./);
  });
});

describe("the module structure", () => {
  it("has no import cycle (type imports included)", () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(100);
    expect(importCycles(graph)).toEqual([]);
    expect(importCycles(new Map([["a.ts", ["b.ts"]], ["b.ts", ["a.ts"]]]))).toEqual([["a.ts", "b.ts", "a.ts"]]);
  });

  it("mcp-ops loads no Pulumi SDK (it parses stack files with the config contract alone)", () => {
    const loaded = [...reachableFrom(importGraph(), "ops/cli.ts")];
    expect(loaded).toEqual(expect.arrayContaining(["config/parse.ts", "config/stackFile.ts"]));
    const pulumi = loaded.filter((f) => /from "@pulumi\//.test(readFileSync(path.join(root, f), "utf8")));
    expect(pulumi).toEqual([]);
  });

  it("the policy pack loads nothing of config/: it judges resources through the contract in decisions/", () => {
    const loaded = [...reachableFrom(importGraph({ types: false }), "policies/index.ts")];
    expect(loaded).toEqual(expect.arrayContaining(["decisions/names.ts", "decisions/resourceTypes.ts"]));
    expect(loaded.filter((f) => f.startsWith("config/"))).toEqual([]);
  });

  it("a config error is a RunError to the Pulumi SDK, so pulumi up prints it without a stack trace", async () => {
    const { RunError } = await import("@pulumi/pulumi");
    expect(RunError.isInstance(new ConfigError(["servers.gmail.memory: …"]))).toBe(true);
  });
});
