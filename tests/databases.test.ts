import { shippedPlan } from "./support/shippedPlans";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseStackConfig } from "../config/load";
import { hostInstanceType, swapCommand } from "../decisions/host";
import { estimateCost } from "../plan/cost";
import type { Plan } from "../engine/offline";
import { childOf, container, named, ofType } from "./support/plan";
import { configProblems, rawConfigOf } from "./support/stackConfig";
import { TYPE } from "../decisions/resourceTypes";

/**
 * Neo4j and Qdrant keep their stores on EBS volumes of their own EC2 hosts (their vendors do not support NFS), one
 * writer at a time: what the plan creates, the host's boot script, the restore copy, and the config errors.
 */
let prod: Plan;
let dev: Plan;
beforeAll(async () => {
  prod = await shippedPlan("prod");
  dev = await shippedPlan("dev");
});

describe("databases on EBS volumes of their own hosts", () => {
  it("an encrypted gp3 volume per database volume, in the AZ of the first private subnet, tagged for the backup plan, never deleted in prod", () => {
    const volume = named(prod, "neo4j-data-ebs");
    expect(volume.inputs).toMatchObject({ availabilityZone: "us-east-1a", size: 20, type: "gp3", encrypted: true, kmsKeyId: expect.stringMatching(/^arn:aws:kms:us-east-1:123456789012:key\//) });
    expect(volume.inputs.tags).toMatchObject({ "mcp-stack:server": "neo4j", "mcp-stack:volume": "/data", "mcp-stack:backup": "mcp-prod" });
    expect(volume.options).toMatchObject({ protect: true, retainOnDelete: true });
    expect(named(dev, "neo4j-data-ebs").options).toMatchObject({ protect: false, retainOnDelete: false });
    expect(ofType(prod, TYPE.fileSystem).some((fs) => ["neo4j", "vectordb"].includes(fs.inputs.tags["mcp-stack:server"]))).toBe(false);
    // Weekly restore tests cover the EBS volumes too.
    expect(named(prod, "backup-restore-test-ebs").inputs).toMatchObject({ name: "mcp_prod_ebs", protectedResourceType: "EBS", protectedResourceConditions: { stringEquals: [{ key: "aws:ResourceTag/mcp-stack:backup", value: "mcp-prod" }] } });
  });

  it("one ECS-optimized instance in that subnet, IMDSv2 only, sized to the task, behind a capacity provider of its own", () => {
    const template = named(prod, "neo4j-host-template").inputs;
    expect(template).toMatchObject({
      imageId: "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
      instanceType: "t4g.large",
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
    });
    expect(named(prod, "vectordb-host-template").inputs.instanceType).toBe("t4g.medium");
    // Dev sizes its databases to the smallest Graviton hosts: 1.5 GB on a t4g.small (2 GiB), 0.75 GB on a t4g.micro (1 GiB).
    expect(named(dev, "neo4j-host-template").inputs.instanceType).toBe("t4g.small");
    expect(named(dev, "vectordb-host-template").inputs.instanceType).toBe("t4g.micro");
    const group = named(prod, "neo4j-host-asg").inputs;
    expect(group).toMatchObject({ minSize: 1, maxSize: 1, desiredCapacity: 1, vpcZoneIdentifiers: [prod.outputs.privateSubnetIds[0]] });
    expect(named(prod, "neo4j-host-capacity").inputs).toMatchObject({ name: "mcp-prod-neo4j", autoScalingGroupProvider: { managedScaling: { status: "DISABLED" }, managedTerminationProtection: "DISABLED" } });
  });

  it("the task runs on the host, with the volume bind-mounted from where the host mounted it, and only where it is mounted", () => {
    const task = named(prod, "neo4j-task").inputs;
    expect(task.requiresCompatibilities).toEqual(["EC2"]);
    expect(task.volumes).toContainEqual({ name: "ebs-data", hostPath: "/mnt/mcp/data" });
    expect(container(prod, "neo4j").mountPoints).toContainEqual({ sourceVolume: "ebs-data", containerPath: "/data", readOnly: false });
    const service = childOf(prod, "neo4j", TYPE.service)!.inputs;
    expect(service.capacityProviderStrategies).toEqual([{ capacityProvider: "mcp-prod-neo4j", weight: 1 }]);
    expect(service.placementConstraints).toEqual([{ type: "memberOf", expression: "attribute:mcp-stack.volumes == mounted" }]);
    // Stop before start: never two copies of the database on one store.
    expect(service).toMatchObject({ deploymentMinimumHealthyPercent: 0, deploymentMaximumPercent: 100 });
  });

  it("the host's boot script is valid bash that attaches the volume, never formats one with data, and joins the cluster only after mounting", () => {
    const script = Buffer.from(named(prod, "neo4j-host-template").inputs.userData, "base64").toString();
    expect(spawnSync("bash", ["-n"], { input: script }).status).toBe(0);
    const volumeId = prod.outputs.volumes["neo4j:/data"].volumeId;
    expect(script).toContain(`--volume-id ${volumeId}`);
    expect(script).toContain('blkid "$DEV" >/dev/null || mkfs.xfs "$DEV"');
    expect(script.indexOf("mount -o noatime")).toBeLessThan(script.indexOf("ECS_CLUSTER="));
    expect(script).toContain('ECS_INSTANCE_ATTRIBUTES={"mcp-stack.volumes":"mounted"}');
    expect(script).toContain("chown 7474:7474 /mnt/mcp/data");
  });

  it("the restore copy replaces the live tree with the restored one, keeping ownership and modes", () => {
    const root = mkdtempSync(path.join(tmpdir(), "ebs-"));
    const [live, restored] = [`${root}/live`, `${root}/restored`];
    mkdirSync(`${live}/databases`, { recursive: true });
    mkdirSync(`${restored}/databases`, { recursive: true });
    writeFileSync(`${live}/databases/graph.db`, "corrupt");
    writeFileSync(`${live}/stray`, "x");
    writeFileSync(`${restored}/databases/graph.db`, "restored", { mode: 0o640 });
    const result = spawnSync("bash", ["-c", ["set -euo pipefail", ...swapCommand(restored, live)].join("\n")], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(readFileSync(`${live}/databases/graph.db`, "utf8")).toBe("restored");
    expect(readdirSync(live)).toEqual(["databases"]);
    const restore = prod.outputs.volumes["neo4j:/data"].restore;
    expect(restore).toMatchObject({ autoScalingGroupName: expect.any(String), minTasks: 1 });
    expect(spawnSync("bash", ["-n"], { input: restore.command.join("\n") }).status).toBe(0);
  });

  it("hosts and volumes are in the cost table as EC2 and EBS, not Fargate", () => {
    const lines = Object.fromEntries(estimateCost(prod, "planned").map((l) => [l.item, l]));
    // (0.0672 + 0.0336) × 730 h; the naive layout runs the same sizes on x86: (0.0832 + 0.0416) × 730 h.
    expect(lines["EC2 hosts of EBS-backed servers"]).toEqual({ item: "EC2 hosts of EBS-backed servers", quantity: "t4g.large, t4g.medium × 730 h", monthly: 73.58, prices: ["ec2Hour.t4g.large", "ec2Hour.t4g.medium"] });
    expect(estimateCost(prod, "naive").find((l) => l.item === "EC2 hosts of EBS-backed servers")).toMatchObject({ quantity: "t3.large, t3.medium × 730 h", monthly: 91.1 });
    expect(lines["EBS gp3 of the hosts"].monthly).toBe(8);
    // Fargate holds only the Fargate servers' 10 baseline tasks (the databases are on their hosts): 6 on-demand, 4 on Spot.
    expect(lines["Fargate arm64 on-demand"].quantity).toMatch(/^6 tasks:/);
    expect(lines["Fargate arm64 Spot"].quantity).toMatch(/^4 tasks:/);
    expect(hostInstanceType({ ...parseStackConfig(rawConfigOf("dev")).servers.vectordb, architecture: "x86_64" })).toBe("t3.micro");
  });
});

describe("config errors for database storage", () => {
  const problemsOf = (mutate: (raw: Record<string, any>) => void) => configProblems("prod", mutate);

  it("a database image on EFS is refused with the vendor's reason", () => {
    expect(problemsOf((raw) => (raw.servers.neo4j.volumes["/data"].type = "efs"))).toEqual([
      "servers.neo4j.volumes./data.type: neo4j does not support network file systems and EFS is NFS: set type: ebs (an EBS volume on the server's own host, one writer)",
    ]);
  });

  it("an EBS-backed server runs exactly one on-demand task", () => {
    expect(problemsOf((raw) => (raw.servers.vectordb.scaling = { min: 1, max: 2 }))).toEqual([
      "servers.vectordb.scaling.max: 2: an EBS volume attaches to one instance, so a server with ebs volumes runs exactly one task; set scaling: { min: 1, max: 1 }",
    ]);
    expect(problemsOf((raw) => (raw.servers.vectordb.spot = true))).toEqual([expect.stringContaining("servers.vectordb.spot: a server with ebs volumes runs on its own on-demand EC2 host")]);
  });

  it("one kind of storage per server; instanceType only with ebs", () => {
    expect(problemsOf((raw) => (raw.servers.neo4j.volumes["/logs"] = { type: "efs" }))).toEqual([
      expect.stringContaining("servers.neo4j.volumes./logs.type: neo4j does not support network file systems"),
      "servers.neo4j.volumes./logs.type: a server keeps all its volumes on one kind of storage: make this one ebs too, or move the ebs ones to efs",
    ]);
    expect(problemsOf((raw) => (raw.servers.gmail.instanceType = "t3.large"))).toEqual(["servers.gmail.instanceType: only applies to a server with ebs volumes (it sizes their EC2 host)"]);
  });
});
