import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "../config/errors";
import { OfflineRunError, readStackFile, runOffline, stackFilePath, toConfigMap } from "../engine/offline";
import { named } from "./support/plan";

/**
 * The config the way `pulumi up` hands it over (every key of the stack file, secret or not), through the offline engine:
 * what the program refuses before registering anything, and what no plan output may show.
 */
const devConfig = () => readStackFile(stackFilePath("dev"));

async function problemsOf(config: ReturnType<typeof devConfig>): Promise<string[]> {
  const error = (await runOffline("dev", config).catch((e) => e)) as OfflineRunError;
  expect(error).toBeInstanceOf(OfflineRunError);
  expect(error.cause).toBeInstanceOf(ConfigError);
  expect(error.resources.filter((r) => r.custom)).toEqual([]);
  return (error.cause as ConfigError).problems;
}

describe("keys of the mcp-stack namespace", () => {
  it("an unknown top-level key is refused with the closest known one", async () => {
    const config = devConfig();
    config.values["mcp-stack:alert"] = JSON.stringify({ notify: { P1: ["oncall@acme.io"] } });
    config.values["mcp-stack:backups"] = JSON.stringify({ rpoMinutes: 60 });
    config.values["mcp-stack:frobnicate"] = "1";
    expect(await problemsOf(config)).toEqual([
      expect.stringMatching(/^mcp-stack:alert: unknown key; did you mean mcp-stack:alerts\? the keys are mcp-stack:environment, /),
      expect.stringMatching(/^mcp-stack:backups: unknown key; did you mean mcp-stack:backup\? /),
      expect.stringMatching(/^mcp-stack:frobnicate: unknown key; the keys are /),
    ]);
  });

  it("other namespaces are not the program's business", async () => {
    const config = devConfig();
    config.values["aws:profile"] = "dev";
    config.values["other-project:anything"] = "1";
    await expect(runOffline("dev", config)).resolves.toBeDefined();
  });

  it("an aws:region that is not a region name is refused, together with the config's own problems", async () => {
    const config = devConfig();
    config.values["aws:region"] = "us-east";
    config.values["mcp-stack:alerts"] = JSON.stringify({ thresholds: { cpuPercent: 180 } });
    expect(await problemsOf(config)).toEqual([
      'aws:region: "us-east" is not an AWS region name; use one such as us-east-1 or eu-west-1',
      "alerts.thresholds.cpuPercent: must be a percentage of at most 100",
    ]);
  });
});

describe("secret values", () => {
  it("a value under secretValues that is not a Pulumi secret is refused, naming how to set it", async () => {
    const config = toConfigMap({ ...devYaml(), "mcp-stack:secretValues": { RESEND_API_KEY: "re_live_in_plain_text" } });
    expect(await problemsOf(config)).toEqual([
      "secretValues.RESEND_API_KEY: is in plain text in the stack file; remove it and set it with pulumi config set --secret --path 'mcp-stack:secretValues.RESEND_API_KEY' <value> (the stack file then holds it encrypted, as secure:)",
    ]);
  });

  it("a secure value is accepted and appears in no plan output, only as [secret]", async () => {
    const config = toConfigMap({ ...devYaml(), "mcp-stack:secretValues": { RESEND_API_KEY: { secure: "v1:abc" } } });
    const plan = await runOffline("dev", config);
    expect(named(plan, "secrets-RESEND_API_KEY-value").inputs.secretString).toBe("[secret]");
    // Every secret input of every resource is masked, such as the registry password of the image builds.
    expect(named(plan, "resend-image").inputs.registries[0].password).toBe("[secret]");
    expect(JSON.stringify(plan)).not.toContain("offline-token");
  });
});

/** The dev stack file's `config:` as written, before the engine masks anything. */
const devYaml = (): Record<string, unknown> => parseYaml(readFileSync(path.join(__dirname, "..", "Pulumi.dev.yaml"), "utf8")).config;
