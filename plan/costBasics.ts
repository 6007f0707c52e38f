import PRICES from "./prices.json";

export interface CostLine {
  item: string;
  quantity: string;
  monthly: number;
  /** The keys of plan/prices.json the line multiplies (prices.<key>). */
  prices: string[];
}

/** The resource types the cost model counts. */
export const T = {
  task: "aws:ecs/taskDefinition:TaskDefinition",
  service: "aws:ecs/service:Service",
  cluster: "aws:ecs/cluster:Cluster",
  scaling: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  alb: "aws:lb/loadBalancer:LoadBalancer",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  vpc: "awsx:ec2:Vpc",
  efs: "aws:efs/fileSystem:FileSystem",
  plan: "aws:backup/plan:Plan",
  restoreTest: "aws:backup/restoreTestingSelection:RestoreTestingSelection",
  restorePlan: "aws:backup/restoreTestingPlan:RestoreTestingPlan",
  recorder: "aws:cfg/recorder:Recorder",
  framework: "aws:backup/framework:Framework",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  composite: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  secret: "aws:secretsmanager/secret:Secret",
  kms: "aws:kms/key:Key",
  waf: "aws:wafv2/webAcl:WebAcl",
  ecr: "aws:ecr/repository:Repository",
  cognitoClient: "aws:cognito/userPoolClient:UserPoolClient",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  ebs: "aws:ebs/volume:Volume",
  server: "mcp-stack:index:McpServer",
  natInstance: "mcp-stack:index:NatInstance",
  schedule: "aws:scheduler/schedule:Schedule",
  lambda: "aws:lambda/function:Function",
};

export const { prices: P, assumptions: A, hoursPerMonth: H } = PRICES;
export const PRICE_TABLE = PRICES;
export const MINUTES_PER_MONTH = H * 60;

export const usd = (n: number) => Math.round(n * 100) / 100;
export { childOf, ofType } from "./readers";

/** One line of the estimate, or none when it costs nothing. */
export const line = (item: string, quantity: string, monthly: number, prices: string[]): CostLine[] => (monthly > 0 ? [{ item, quantity, monthly: usd(monthly), prices }] : []);

export function ec2Hourly(type: string): number {
  const price = (P.ec2Hour as Record<string, number>)[type];
  if (price === undefined) throw new Error(`plan/prices.json has no price for ${type}; add it to prices.ec2Hour`);
  return price;
}

/** Runs a month (730 h) of an EventBridge Scheduler rate expression. */
export function runsPerMonth(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression);
  if (!match) throw new Error(`cannot price the schedule ${expression}`);
  const minutes = Number(match[1]) * (match[2].startsWith("hour") ? 60 : 1);
  return Math.round(MINUTES_PER_MONTH / minutes);
}
