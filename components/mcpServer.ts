import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isRouted, type RoutedServer } from "../decisions/routed";
import { scalingPlanFor } from "../decisions/scaling";
import type { DatabaseHost } from "./databaseHost";
import { serverImage } from "./serverImage";
import { createRestoreTask, createServerVolumes, type MountedVolume } from "./volumes";
import { alarmScope, createHealthAlarm, createServerAlarms } from "./server/alarms";
import type { McpServerArgs } from "./server/args";
import { createAutoscaling } from "./server/autoscaling";
import { createSecurityGroup } from "./server/network";
import { createDiscoveryRule, createListenerRule, createTargetGroup } from "./server/routing";
import { createService } from "./server/service";
import { createExecutionRole, createLogGroup, createServerTaskDefinition, createTaskRole } from "./server/task";
import { COMPONENT } from "../decisions/resourceTypes";
import { deployOf } from "./context";

export type { McpServerArgs } from "./server/args";
export { TMP_INIT_CONTAINER } from "./server/task";

/**
 * One MCP server: a Fargate service (or a task on its database host) with its task definition, IAM, logs, network
 * access, ALB route, alarms and autoscaling. Each step is a builder in components/server/, parented to this component.
 */
export class McpServer extends pulumi.ComponentResource {
  /** The load balancer group that carries its route (main for internal servers). */
  readonly loadBalancerGroup: string;
  readonly serverName: string;
  readonly port: number;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly service: aws.ecs.Service;
  readonly targetGroup?: aws.lb.TargetGroup;
  readonly alarms: aws.cloudwatch.MetricAlarm[];
  /** Composite of its P1/P2 alarms: the one state the dashboards and mcp-ops read. */
  readonly healthAlarm: aws.cloudwatch.CompositeAlarm;
  /** Its EFS volumes, mounted through access points. */
  readonly volumes: MountedVolume[];
  /** The EC2 host that holds its EBS volumes and runs its one task. */
  readonly host?: DatabaseHost;
  /** The one-off task that copies a restored recovery point over the live data (servers with EFS volumes). */
  readonly restoreTask?: aws.ecs.TaskDefinition;

  constructor(name: string, args: McpServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.server, name, {}, opts);
    this.serverName = name;
    this.loadBalancerGroup = args.loadBalancerGroup;
    this.port = args.server.port;

    const { image, built } = serverImage(name, args.stack, args.server, args.protection, this);
    this.logGroup = createLogGroup(this, args);
    this.securityGroup = createSecurityGroup(this, args);
    const executionRole = createExecutionRole(this, args, this.logGroup, built);
    const taskRole = createTaskRole(this, args);
    const storage = this.createVolumes(args, taskRole);
    this.volumes = storage.mounted;
    this.host = args.host;
    const taskDefinition = createServerTaskDefinition(this, args, { executionRole, taskRole, logGroup: this.logGroup, volumes: this.volumes, hostedVolumes: args.host?.volumes ?? [], image });
    if (storage.restoreRole) this.restoreTask = this.createRestoreTask(args, executionRole, storage.restoreRole);

    const route = isRouted(args.server) ? this.createRoute(args, args.server) : undefined;
    this.targetGroup = route?.targetGroup;
    // Target-group alarms exist before the service so that its deployments can roll back on them.
    const scope = alarmScope(this, args, this.targetGroup);
    const early = createServerAlarms(this, args, false, scope);
    const gates = early.filter(({ spec }) => spec.gatesDeployments).map(({ alarm }) => alarm);
    const scaling = scalingPlanFor(args.server);
    this.service = createService(this, args, { taskDefinition, securityGroup: this.securityGroup, scaling, route, gates, mountTargets: storage.mountTargets });
    const serviceScope = { ...scope, service: this.service.name };
    const all = [...early, ...createServerAlarms(this, args, true, serviceScope)];
    this.alarms = all.map(({ alarm }) => alarm);
    this.healthAlarm = createHealthAlarm(this, args.stack, all);
    createAutoscaling(this, args, scaling, this.service, serviceScope, this.targetGroup);
    this.registerOutputs({ serviceName: this.service.name, logGroupName: this.logGroup.name });
  }

  /** Its EFS volumes (EBS volumes belong to its host), mounted through access points by its task role. */
  private createVolumes(args: McpServerArgs, taskRole: aws.iam.Role) {
    return createServerVolumes({
      ...deployOf(args),
      server: this.serverName,
      volumes: args.storage.volumes.filter((v) => v.type === "efs"),
      ...args.network,
      taskSecurityGroupId: this.securityGroup.id,
      taskRole,
      kmsKeyArn: args.storage.keyArn,
      replica: args.storage.replica,
      parent: this,
    });
  }

  private createRestoreTask(args: McpServerArgs, executionRole: aws.iam.Role, restoreRole: aws.iam.Role) {
    return createRestoreTask({
      stack: args.stack,
      server: this.serverName,
      region: args.region,
      mounted: this.volumes,
      image: args.utilityImage,
      executionRoleArn: executionRole.arn,
      taskRoleArn: restoreRole.arn,
      logGroupName: this.logGroup.name,
      parent: this,
    });
  }

  /** A public server's target group and listener rule, and behind Cognito its OAuth discovery rule. */
  private createRoute(args: McpServerArgs, server: RoutedServer) {
    // wiring/servers.ts gives every routed server its priority (decisions/routing.ts listenerRulePriorities).
    const priority = args.rulePriority;
    if (priority === undefined) throw new Error(`internal error: ${this.serverName} has a route but no listener rule priority`);
    const targetGroup = createTargetGroup(this, args);
    const rule = createListenerRule(this, args, server, priority, targetGroup);
    if (args.auth) createDiscoveryRule(this, args, server, priority, args.auth);
    return { targetGroup, rule };
  }
}
