import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { parse as parseYaml } from "yaml";

/** The CI workflows can't run here (no AWS, no GitHub): they are checked against GitHub's workflow schema and for what they must do. */
const root = path.resolve(__dirname, "..");
const source = (name: string) => readFileSync(path.join(root, ".github/workflows", name), "utf8");
const workflow = (name: string) => parseYaml(source(name));
const steps = (job: any) => job.steps as any[];
const uses = (job: any, action: string) => steps(job).find((s) => String(s.uses ?? "").startsWith(`${action}@`));

describe("GitHub workflows", () => {
  it.each(["preview.yml", "deploy.yml", "health-report.yml"])("%s is a valid workflow", (name) => {
    expect(validateWorkflow(source(name)).errors).toEqual([]);
  });

  it("the validator does catch a broken workflow", () => {
    const broken = source("preview.yml").replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest");
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  const PINNED = /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/;

  it("every action is pinned by commit, with its version in a comment; permissions are per job, none by default", () => {
    for (const name of ["preview.yml", "deploy.yml", "health-report.yml"]) {
      const wf = workflow(name);
      expect(wf.permissions).toEqual({});
      for (const [jobName, job] of Object.entries<any>(wf.jobs)) {
        expect([jobName, job.permissions]).toEqual([jobName, expect.any(Object)]);
        for (const step of steps(job).filter((s) => s.uses)) expect([jobName, step.uses]).toEqual([jobName, expect.stringMatching(PINNED)]);
      }
      for (const line of source(name).split("\n").filter((l) => l.includes("uses:"))) expect(line).toMatch(/# v\d+\.\d+\.\d+$/);
    }
  });

  it("preview: pull-request code runs the tests and offline plans without credentials, previews dev with dev-only credentials, prod only after approval", () => {
    const wf = workflow("preview.yml");
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    const { test, "preview-dev": dev, "preview-prod": prod } = wf.jobs;
    // The report is the pull request's delta: the base branch planned by its own code, then this branch against it.
    const run = steps(test).map((s) => String(s.run ?? "")).join("\n");
    expect(steps(test).find((s) => s.with?.ref === "${{ github.event.pull_request.base.sha }}")).toMatchObject({ with: { path: "base", "persist-credentials": false } });
    expect(run).toContain("npm run check:images -- prod");
    const deploy = Object.values<any>(workflow("deploy.yml").jobs).flatMap((job) => steps(job).map((s) => String(s.run ?? "")));
    for (const stack of ["dev", "prod"]) expect(deploy).toContain(`npm run check:images -- ${stack}`);
    for (const stack of ["dev", "prod"]) {
      expect(run).toContain(`npm run plan -- ${stack} --json ../base-plan-${stack}.json`);
      expect(run).toContain(`npm run plan -- ${stack} --json plan-${stack}.json --markdown plan-${stack}.md --against base-plan-${stack}.json`);
    }
    expect(test.environment).toBeUndefined();
    expect(JSON.stringify(test)).not.toMatch(/secrets\.|id-token/);
    expect(steps(test).map((s) => s.run).filter(Boolean).slice(0, 2)).toEqual(["npm ci --ignore-scripts", "npm test"]);
    expect(uses(test, "marocchino/sticky-pull-request-comment").with.path).toBe("plan-prod.md");
    expect([dev.environment, dev.needs]).toEqual(["preview-dev", "test"]);
    expect([prod.environment, prod.needs]).toEqual(["preview-prod", "preview-dev"]);
    for (const [stack, job] of [["dev", dev], ["prod", prod]] as const) {
      expect(job.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
      expect(uses(job, "aws-actions/configure-aws-credentials").with["role-to-assume"]).toContain("vars.AWS_PREVIEW_ROLE_ARN");
      // The pack that judges the pull request is the base branch's.
      const base = steps(job).find((s) => s.with?.path === "base");
      expect(base.with.ref).toBe("${{ github.event.pull_request.base.sha }}");
      expect(uses(job, "pulumi/actions").with).toMatchObject({ command: "preview", "stack-name": stack, policyPacks: "base/policies", policyPackConfigs: "base/policies/policy-config.json" });
    }
  });

  it("no checkout leaves a token on disk, and pull-request installs run no package scripts", () => {
    for (const name of ["preview.yml", "deploy.yml"]) {
      for (const job of Object.values<any>(workflow(name).jobs)) {
        for (const checkout of steps(job).filter((s) => String(s.uses).startsWith("actions/checkout@"))) expect(checkout.with["persist-credentials"]).toBe(false);
      }
    }
    for (const job of Object.values<any>(workflow("preview.yml").jobs)) {
      const installs = steps(job).flatMap((s) => String(s.run ?? "").split("\n")).filter((line) => line.trim().startsWith("npm ci"));
      for (const line of installs) expect(line.trim()).toBe("npm ci --ignore-scripts");
    }
  });

  it("health report: weekly per stack, read-only credentials of its own environment, the HTML kept as an artifact", () => {
    const wf = workflow("health-report.yml");
    expect(wf.on.schedule).toEqual([{ cron: "0 6 * * 1" }]);
    const job = wf.jobs.report;
    expect(job.strategy.matrix.stack).toEqual(["dev", "prod"]);
    expect(job.environment).toBe("reports-${{ matrix.stack }}");
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(uses(job, "aws-actions/configure-aws-credentials").with["role-to-assume"]).toBe("${{ vars.AWS_REPORT_ROLE_ARN }}");
    const report = steps(job).find((s) => String(s.run ?? "").includes("mcp-ops report"));
    expect(report.run).toBe('npx mcp-ops report --stack "${{ matrix.stack }}" --since 7d --format html --out "health-${{ matrix.stack }}.html"');
    expect(uses(job, "actions/upload-artifact").with).toMatchObject({ path: "health-${{ matrix.stack }}.html", "retention-days": 90 });
    expect(steps(job).find((s) => s.run === "npm ci --ignore-scripts")).toBeDefined();
    // Posted only where a webhook is configured, and the secret is tested through the job's env (not in if: itself).
    expect(job.env.HAS_WEBHOOK).toBe("${{ secrets.HEALTH_REPORT_WEBHOOK_URL != '' }}");
    expect(steps(job).find((s) => s.name === "Post the summary").if).toBe("env.HAS_WEBHOOK == 'true'");
  });

  it("deploy: dev on pushes to main, prod only from main (tags or by hand) behind an approving environment, never two deploys of a stack at once", () => {
    const wf = workflow("deploy.yml");
    expect(wf.on.push).toEqual({ branches: ["main"], tags: ["v*"] });
    expect(wf.on.workflow_dispatch.inputs.stack.options).toEqual(["dev", "prod"]);
    const { dev, prod } = wf.jobs;
    expect(dev.if).toContain("github.ref == 'refs/heads/main'");
    expect(prod.if).toContain("startsWith(github.ref, 'refs/tags/v')");
    expect(prod.if).toContain("inputs.stack == 'prod' && github.ref == 'refs/heads/main'");
    expect(steps(prod).find((s) => s.name === "Refuse a commit that is not on main").run).toBe('git merge-base --is-ancestor "$GITHUB_SHA" origin/main');
    expect(uses(prod, "actions/checkout").with["fetch-depth"]).toBe(0);
    // ECR's scan of the images dev pushed gates prod: the step runs before pulumi up.
    const gate = steps(prod).findIndex((s) => s.run === "npm run scan-gate -- prod --from dev");
    expect(gate).toBeGreaterThan(0);
    expect(gate).toBeLessThan(steps(prod).findIndex((s) => String(s.uses).startsWith("pulumi/actions@")));
    expect(prod.environment).toBe("prod");
    for (const [stack, job] of [["dev", dev], ["prod", prod]] as const) {
      expect(job.environment).toBe(stack);
      expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
      expect(job.concurrency).toEqual({ group: `deploy-${stack}`, "cancel-in-progress": false });
      expect(uses(job, "pulumi/actions").with).toMatchObject({ command: "up", "stack-name": stack, policyPacks: "policies" });
      expect(steps(job).some((s) => s.run === "npm test")).toBe(true);
    }
  });
});

describe("the update tool (renovate.json)", () => {
  const renovate = JSON.parse(readFileSync(path.join(root, "renovate.json"), "utf8"));
  const manager = (fragment: string) => renovate.customManagers.find((m: any) => m.description.includes(fragment));
  const extract = (m: any, text: string) => [...text.matchAll(new RegExp(m.matchStrings[0], "g"))].map((x) => x.groups);
  const files = (m: any) => [".", "bridge"].flatMap((dir) => readdirSync(path.join(root, dir)).map((f: string) => path.join(dir, f).replace(/^\.\//, ""))).filter((f: string) => m.managerFilePatterns.some((p: string) => new RegExp(p.slice(1, -1)).test(f)));

  it("runs weekly and pins actions by digest", () => {
    expect(renovate.schedule).toEqual(["before 6am on monday"]);
    expect(renovate.extends).toContain("helpers:pinGitHubActionDigests");
  });

  it("understands the stack files' images and bridged packages, and the bridge's base image", () => {
    const images = manager("image: values");
    expect(files(images).sort()).toEqual(["Pulumi.dev.yaml", "Pulumi.prod.yaml"]);
    expect(extract(images, readFileSync(path.join(root, "Pulumi.prod.yaml"), "utf8")).map((g: any) => `${g.depName}:${g.currentValue}`)).toEqual([
      "ghcr.io/example/gmail-mcp:1.1.11",
      "ghcr.io/example/graphiti-mcp:0.4.0",
      "ghcr.io/example/rag-mcp:2.3.0",
      "neo4j:5.26",
      "qdrant/qdrant:v1.12.4-unprivileged",
    ]);
    expect(extract(manager("MCP_PACKAGE"), readFileSync(path.join(root, "Pulumi.prod.yaml"), "utf8")).map((g: any) => `${g.depName} ${g.currentValue}`)).toEqual([
      "resend-mcp 2.22.0",
      "@modelcontextprotocol/server-filesystem 2026.8.31",
    ]);
    const base = manager("base image");
    expect(files(base)).toEqual(["bridge/Dockerfile"]);
    expect(extract(base, readFileSync(path.join(root, "bridge/Dockerfile"), "utf8"))).toEqual([{ depName: "node", currentValue: "22.12.0-alpine3.20", currentDigest: undefined }]);
  });
});
