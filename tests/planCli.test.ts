import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { rawConfigOf } from "./support/stackConfig";

const root = path.resolve(__dirname, "..");
const tsx = path.join(root, "node_modules/.bin/tsx");
const plan = (...args: string[]) => spawnSync(tsx, ["scripts/plan.ts", ...args], { cwd: root, encoding: "utf8", timeout: 60000 });

describe("npm run plan", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "mcp-plan-"));

  it("prints the servers and resources of a stack and writes the full list with --json", () => {
    const out = path.join(dir, "prod.json");
    const result = plan("prod", "--json", out);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/mcp-stack plan · stack prod · environment prod · us-east-1/);
    for (const server of ["gmail", "graphiti", "rag", "resend", "filesystem"]) {
      expect(result.stdout).toContain(`https://mcp.example.com/${server}/mcp`);
    }
    expect(result.stdout).toContain("internal neo4j:7687");
    const written = JSON.parse(readFileSync(out, "utf8"));
    expect(written.resources.filter((r: any) => r.type === "aws:ecs/service:Service")).toHaveLength(7);
    expect(written.outputs.servers.gmail.url).toBe("https://mcp.example.com/gmail/mcp");
  });

  it("exits non-zero with the key and the fix for an invalid config, and creates nothing", () => {
    const raw = rawConfigOf("dev");
    raw.servers.gmail.memory = 512;
    raw.servers.gmail.cpu = 1024;
    const file = path.join(dir, "Pulumi.broken.yaml");
    writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", ...Object.fromEntries(Object.entries(raw).map(([k, v]) => [`mcp-stack:${k}`, v])) } }));
    const result = plan("broken", "--stack-file", file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("servers.gmail.memory: 512 MiB is not valid; with cpu 1024 Fargate accepts memory 2048–8192");
    expect(result.stderr).toContain("Nothing was created");
    expect(result.stdout).toBe("");
  });

  it("with --deployed, refuses a config that would delete a deployed volume, like pulumi up", () => {
    const deployed = path.join(dir, "deployed.json");
    writeFileSync(deployed, JSON.stringify({ volumes: { "gmail:/old-data": { fileSystemId: "fs-0123456789abcdef0", performanceMode: "generalPurpose", backup: true } } }));
    const result = plan("dev", "--deployed", deployed);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("servers.gmail.volumes: /old-data is no longer configured");
    expect(result.stderr).toContain("file system fs-0123456789abcdef0 holds its data and this deploy would delete it");
  });

  it("explains a missing stack and bad arguments", () => {
    expect(plan("nosuchstack").stderr).toContain("No stack file");
    const bad = plan("dev", "--frobnicate");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown option --frobnicate");
    expect(plan("--help").stdout).toContain("Usage: npm run plan");
  });
});
