import type { Plan, PlannedResource } from "../../engine/offline";

export const T = {
  vpc: "awsx:ec2:Vpc",
  cluster: "aws:ecs/cluster:Cluster",
  service: "aws:ecs/service:Service",
  taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  listener: "aws:lb/listener:Listener",
  listenerRule: "aws:lb/listenerRule:ListenerRule",
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  scalingTarget: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  record: "aws:route53/record:Record",
  server: "mcp-stack:index:McpServer",
} as const;

export function ofType(plan: Plan, type: string): PlannedResource[] {
  return plan.resources.filter((r) => r.type === type);
}

export function named(plan: Plan, name: string, type?: string): PlannedResource {
  const found = plan.resources.filter((r) => r.name === name && (!type || r.type === type));
  if (found.length !== 1) throw new Error(`expected one resource named ${name}${type ? ` of ${type}` : ""}, found ${found.length}`);
  return found[0];
}

export function childOf(plan: Plan, parent: string, type: string): PlannedResource | undefined {
  return plan.resources.find((r) => r.parent === parent && r.type === type);
}

export function childrenOf(plan: Plan, parent: string, type?: string): PlannedResource[] {
  return plan.resources.filter((r) => r.parent === parent && (!type || r.type === type));
}

export function container(plan: Plan, server: string): Record<string, any> {
  const task = named(plan, `${server}-task`);
  if (!task) throw new Error(`${server} has no task definition`);
  return JSON.parse(task.inputs.containerDefinitions)[0];
}

export const serverNames = (plan: Plan) => ofType(plan, T.server).map((r) => r.name).sort();
