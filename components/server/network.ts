import * as aws from "@pulumi/aws";
import type { McpServerArgs, ServerSelf } from "./args";
import { childName } from "../../decisions/names";

/** Tasks accept traffic only on their own port, only from the ALB (public) or from dependent servers (internal). */
export function createSecurityGroup(self: ServerSelf, { server, platform, network, dependencies }: McpServerArgs): aws.ec2.SecurityGroup {
  const name = self.serverName;
  const parent = { parent: self };
  const sg = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: network.vpcId, description: `mcp-stack ${name} tasks: port ${self.port} from ${server.internal ? "dependent servers" : "the ALB"} only` }, parent);
  new aws.vpc.SecurityGroupEgressRule(`${name}-egress`, { securityGroupId: sg.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "outbound APIs, image pulls and dependencies" }, parent);
  if (!server.internal) {
    const port = { ipProtocol: "tcp", fromPort: self.port, toPort: self.port };
    new aws.vpc.SecurityGroupIngressRule(`${name}-from-alb`, { securityGroupId: sg.id, referencedSecurityGroupId: platform.albSecurityGroup.id, ...port, description: "from the ALB" }, parent);
    new aws.vpc.SecurityGroupEgressRule(`${name}-alb-to-tasks`, { securityGroupId: platform.albSecurityGroup.id, referencedSecurityGroupId: sg.id, ...port, description: `ALB to ${name}` }, parent);
  }
  for (const dep of dependencies) {
    new aws.vpc.SecurityGroupIngressRule(
      childName.dependency(name, dep.serverName),
      { securityGroupId: dep.securityGroup.id, referencedSecurityGroupId: sg.id, ipProtocol: "tcp", fromPort: dep.port, toPort: dep.port, description: `from ${name}` },
      parent,
    );
  }
  return sg;
}
