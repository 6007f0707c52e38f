import type { z } from "zod";

/**
 * An invalid stack config. `pulumi up` prints a RunError's message without a stack trace and exits non-zero before any
 * resource is registered; the SDK recognises one by this brand (RunError.isInstance, made to work across copies of
 * the SDK: @pulumi/pulumi errors.js), so the config can be parsed — by mcp-ops too — without loading the Pulumi SDK.
 * tests/configContract.test.ts checks that the SDK takes it for a RunError.
 */
export class ConfigError extends Error {
  readonly __pulumiRunError = true;

  constructor(readonly problems: string[]) {
    super(`Invalid mcp-stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** `servers.gmail.memory: 512 MiB is not valid; …` — one line per issue, named by key path. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    const at = keyPath(issue.path);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => `${at ? `${at}.` : ""}${key}: unknown key; check the spelling against the config reference in README.md`);
    }
    if (issue.code === "invalid_type" && issue.input === undefined) return [`${at}: is required`];
    return [`${at || "(config)"}: ${issue.message}`];
  });
}

/** ["servers", "gmail", "secrets", 0] → servers.gmail.secrets[0] */
export function keyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), "");
}
