import { readFileSync } from "node:fs";
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
  it.each(["preview.yml", "deploy.yml"])("%s is a valid workflow", (name) => {
    expect(validateWorkflow(source(name)).errors).toEqual([]);
  });

  it("the validator does catch a broken workflow", () => {
    const broken = source("preview.yml").replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest");
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  it("preview: on pull requests, tests and the offline plan report, then pulumi preview of dev and prod with the policy pack via OIDC", () => {
    const wf = workflow("preview.yml");
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    const test = wf.jobs.test;
    expect(steps(test).map((s) => s.run).filter(Boolean).slice(0, 2)).toEqual(["npm ci", "npm test"]);
    expect(steps(test).find((s) => String(s.run ?? "").includes("--markdown plan-prod.md"))).toBeDefined();
    expect(uses(test, "marocchino/sticky-pull-request-comment").with.path).toBe("plan-prod.md");
    const preview = wf.jobs.preview;
    expect(preview.needs).toBe("test");
    expect(preview.strategy.matrix.stack).toEqual(["dev", "prod"]);
    expect(uses(preview, "aws-actions/configure-aws-credentials").with["role-to-assume"]).toContain("vars.AWS_PREVIEW_ROLE_ARN");
    expect(uses(preview, "pulumi/actions").with).toMatchObject({
      command: "preview",
      "comment-on-pr": true,
      policyPacks: "policies",
      policyPackConfigs: "policies/policy-config.json",
      "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
    });
  });

  it("deploy: dev on pushes to main, prod on tags or by hand behind an approving environment, never two deploys of a stack at once", () => {
    const wf = workflow("deploy.yml");
    expect(wf.on.push).toEqual({ branches: ["main"], tags: ["v*"] });
    expect(wf.on.workflow_dispatch.inputs.stack.options).toEqual(["dev", "prod"]);
    expect(wf.permissions["id-token"]).toBe("write");
    const { dev, prod } = wf.jobs;
    expect(dev.if).toContain("github.ref == 'refs/heads/main'");
    expect(prod.if).toContain("startsWith(github.ref, 'refs/tags/v')");
    expect(prod.environment).toBe("prod");
    for (const [stack, job] of [["dev", dev], ["prod", prod]] as const) {
      expect(job.concurrency).toEqual({ group: `deploy-${stack}`, "cancel-in-progress": false });
      expect(uses(job, "pulumi/actions").with).toMatchObject({ command: "up", "stack-name": stack, policyPacks: "policies" });
      expect(steps(job).some((s) => s.run === "npm test")).toBe(true);
    }
  });
});
