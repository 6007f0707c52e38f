import { shippedPlan } from "./support/shippedPlans";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Plan } from "../engine/offline";

/** The README's restore runbooks: valid bash, and every stack output they read exists for that kind of volume. */
const readme = readFileSync(path.resolve(__dirname, "../README.md"), "utf8");
const runbook = readme.slice(readme.indexOf("### Restore runbook"), readme.indexOf("## Policy pack"));
const blocks = [...runbook.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);

let prod: Plan;
beforeAll(async () => {
  prod = await shippedPlan("prod");
});

/** `out ".volumes[\"$VOLUME\"].restore.command"` → ["restore", "command"]; top-level `out .backupRoleArn` → ["backupRoleArn"]. */
function outputsRead(script: string): { volume: string[][]; top: string[] } {
  const volume = [...script.matchAll(/\.volumes\[\\"\$VOLUME\\"\]\.([A-Za-z.]+)/g)].map((m) => m[1].split("."));
  const top = [...script.matchAll(/out '?\.([A-Za-z]+)/g)].map((m) => m[1]).filter((k) => k !== "volumes");
  return { volume, top };
}

describe("restore runbooks", () => {
  it("there is one for EFS and one for EBS volumes, and both are valid bash", () => {
    expect(blocks).toHaveLength(2);
    for (const block of blocks) expect(spawnSync("bash", ["-n"], { input: block, encoding: "utf8" }).stderr).toBe("");
  });

  it.each([0, 1])("runbook %i reads only outputs the stack has for its volume", (i) => {
    const volumeId = /VOLUME='([^']+)'/.exec(blocks[i])![1];
    const volume = prod.outputs.volumes[volumeId];
    expect(volume.type).toBe(i === 0 ? "efs" : "ebs");
    const { volume: paths, top } = outputsRead(blocks[i]);
    expect(paths.length).toBeGreaterThan(3);
    for (const p of paths) expect([p.join("."), p.reduce((o: any, k) => o?.[k], volume) !== undefined]).toEqual([p.join("."), true]);
    for (const key of top) expect([key, prod.outputs[key] !== undefined]).toEqual([key, true]);
  });
});
