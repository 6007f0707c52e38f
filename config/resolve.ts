import type { StackConfig, StackShape } from "./schema";

/**
 * The one boundary between a config that passed the rules and the types the rest of the code relies on: every fact the
 * types carry (config/schema.ts: ServerConfig, NewVpc | ExistingVpc) was proved by a rule in config/rules.ts or
 * config/serverRules.ts. Checked again here, so that a rule removed by mistake fails loudly instead of leaving an
 * undefined where the type promises a value.
 */
export function resolveStackConfig(shape: StackShape): StackConfig {
  const broken = [...Object.entries(shape.servers).flatMap(([name, s]) => serverGaps(s).map((gap) => `servers.${name}: ${gap}`)), ...networkGaps(shape.network)];
  if (broken.length) throw new Error(`internal error: the config rules let through ${broken.join("; ")}`);
  return shape as StackConfig;
}

function serverGaps(s: StackShape["servers"][string]): string[] {
  return [
    s.port === undefined && "no port",
    s.internal === (s.route !== undefined) && (s.internal ? "an internal server with a route" : "a public server without a route"),
    (s.image === undefined) === (s.build === undefined) && "not exactly one of image and build",
    s.transport === "stdio" && !s.command && "a stdio server without a command",
  ].filter((gap): gap is string => typeof gap === "string");
}

function networkGaps(n: StackShape["network"]): string[] {
  if (n.vpcId === undefined) return n.natGateways === "None" ? ["network.natGateways: None"] : [];
  return n.publicSubnetIds && n.privateSubnetIds ? [] : ["network: an existing VPC without its subnet ids"];
}
