import { performance } from "node:perf_hooks";
import { readRawStackConfig, runOffline, readStackFile, stackFilePath, toConfigMap } from "../engine/offline";
import { table } from "../plan/table";
import { TYPE } from "../decisions/resourceTypes";

/**
 * Plan time of the shipped stacks and of generated ones with 10, 50 and 200 servers, so that growth can be seen to
 * be linear. Each figure is the best of a few runs in this process (the first run also loads the program).
 */
const SIZES = [10, 50, 200];
const RUNS = 3;

function generatedStack(servers: number): ReturnType<typeof readStackFile> {
  const { servers: _, ...dev } = readRawStackConfig(stackFilePath("dev"));
  const config: Record<string, unknown> = { "aws:region": "us-east-1", ...Object.fromEntries(Object.entries(dev).map(([key, value]) => [`mcp-stack:${key}`, value])) };
  // AWS's default quotas: past 100 routes the stack spreads the servers over a second load balancer.
  config["mcp-stack:servers"] = Object.fromEntries(
    Array.from({ length: servers }, (_, i) => {
      const name = `srv-${String(i + 1).padStart(3, "0")}`;
      return [
        name,
        {
          image: "ghcr.io/example/generated-mcp:1.0.0",
          port: 8080,
          route: { path: `/${name}` },
          cpu: 256,
          memory: 512,
          spot: true,
          scaling: { min: 1, max: 2 },
          // Every tenth server keeps state: EFS, access points and backups scale with it.
          ...(i % 10 === 0 ? { volumes: { "/data": { backup: true } } } : {}),
        },
      ];
    }),
  );
  return toConfigMap(config);
}

async function timeIt(stack: string, config: ReturnType<typeof readStackFile>) {
  let best = Infinity;
  let resources = 0;
  let loadBalancers = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const plan = await runOffline(stack, config);
    best = Math.min(best, performance.now() - started);
    resources = plan.resources.filter((r) => r.custom).length;
    loadBalancers = plan.resources.filter((r) => r.type === TYPE.loadBalancer).length;
  }
  return { resources, loadBalancers, seconds: best / 1000 };
}

async function main() {
  const rows: string[][] = [];
  const cases: [string, string, ReturnType<typeof readStackFile>, number][] = [
    ["dev", "dev", readStackFile(stackFilePath("dev")), 7],
    ["prod", "prod", readStackFile(stackFilePath("prod")), 7],
    ...SIZES.map((n) => [`generated ${n}`, "dev", generatedStack(n), n] as [string, string, ReturnType<typeof readStackFile>, number]),
  ];
  for (const [label, stack, config, servers] of cases) {
    process.stderr.write(`… ${label}\n`);
    const { resources, loadBalancers, seconds } = await timeIt(stack, config);
    rows.push([label, String(servers), String(loadBalancers), String(resources), seconds.toFixed(2), String(Math.round(resources / seconds)), (seconds / servers * 1000).toFixed(0)]);
  }
  console.log(table(["stack", "servers", "ALBs", "AWS resources", "plan s (best of 3)", "resources/s", "ms/server"], rows));
}

main();
