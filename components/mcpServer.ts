import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ServerConfig, StackConfig } from "../config/schema";
import { deploymentSettingsFor } from "../decisions/deploy";
import type { Protection } from "../decisions/protection";
import { authEnvironment, jwtValidation, protectedResourceMetadata, requiredScopeOf, type AuthSettings } from "../decisions/auth";
import { discoveryConditions, discoveryPriority, prefixRewrite, routeConditions, serverUrl } from "../decisions/routing";
import { PAUSED_TAG, scalingPlanFor, STEP_ALARM_SECONDS } from "../decisions/scaling";
import { dimensionsFor, METRICS } from "../decisions/metrics";
import { containerCommand, containerEnvironment, containerHealthCheck, serverLogGroupName, taskSize } from "../decisions/tasks";
import { trafficPolicyFor } from "../decisions/traffic";
import type { Severity } from "../config/schema";
import { alarmName, type AlarmSpec } from "../decisions/alarms";
import { createAlarm, type AlarmContext } from "./alarms";
import { executionRolePolicy, taskAssumeRolePolicy } from "./iamPolicies";
import type { Platform } from "./platform";
import type { VolumeSpec } from "../decisions/backup";
import { createRestoreTask, createServerVolumes, RESTORE_IMAGE, type MountedVolume } from "./volumes";

/** The container that makes the task's /tmp writable for any user before the server starts. */
export const TMP_INIT_CONTAINER = "tmp-permissions";
import { createServerImage, type BuiltImage } from "./serverImage";
import { dataProtectionPolicy } from "./logs";
import { pinnedImage } from "./images";
import type { DatabaseHost, HostedVolume } from "./databaseHost";
import { hostMountPath, VOLUMES_MOUNTED_ATTRIBUTE } from "../decisions/host";
import { TAG, taskFamily } from "../decisions/names";

export interface McpServerArgs {
  stack: string;
  region: string;
  accountId: pulumi.Input<string>;
  server: ServerConfig;
  config: StackConfig;
  protection: Protection;
  platform: Platform;
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string[]>;
  /** ARNs of the secrets this server lists, by name. */
  secretArns: Record<string, pulumi.Input<string>>;
  /** Servers this one depends on (already built); it opens its way into their security groups. */
  dependencies: McpServer[];
  /** Listener rule priority; absent for internal servers. */
  rulePriority?: number;
  /** This server's alarms (decisions/alarms.ts) and the topics they notify. */
  alarms: AlarmSpec[];
  topics: Record<Severity, aws.sns.Topic>;
  /** This server's `volumes` (decisions/backup.ts), the key that encrypts them, and the number of private subnets. */
  volumes: VolumeSpec[];
  storageKeyArn: pulumi.Input<string>;
  subnetCount: number;
  replica?: { region: string; kmsKeyArn: pulumi.Input<string> };
  /** With ingress.auth: cognito, the authorization server the ALB validates bearer tokens against. */
  auth?: AuthSettings<pulumi.Output<string>>;
  /** The key of the stack's server log groups (components/logs.ts). */
  logKeyArn: pulumi.Input<string>;
  /** For a server with EBS volumes: the EC2 host that holds them and runs its one task. */
  host?: DatabaseHost;
  /** The load balancer group that carries its route (decisions/loadBalancers.ts); main for internal servers. */
  loadBalancerGroup: string;
}

/** One MCP server: a Fargate service with its task definition, IAM, logs, network access, ALB route and autoscaling. */
export class McpServer extends pulumi.ComponentResource {
  /** The load balancer group that carries its route (main for internal servers). */
  readonly loadBalancerGroup: string;
  readonly serverName: string;
  readonly port: number;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly service: aws.ecs.Service;
  readonly targetGroup?: aws.lb.TargetGroup;
  readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
  /** Rolls up the P1/P2 alarms: the server's one status for dashboards and on-call tools. */
  readonly healthAlarm: aws.cloudwatch.CompositeAlarm;
  /** EFS volumes, mounted by every task. */
  readonly volumes: MountedVolume[];
  /** EBS volumes on the server's host. */
  readonly hostedVolumes: HostedVolume[];
  /** Swaps a restored recovery point into this server's volumes (README, restore runbook). */
  readonly restoreTask?: aws.ecs.TaskDefinition;

  constructor(name: string, args: McpServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-stack:index:McpServer", name, {}, opts);
    this.serverName = name;
    this.loadBalancerGroup = args.loadBalancerGroup;
    this.port = args.server.port!;
    const { server, platform } = args;

    const built = server.build ? createServerImage(name, args.stack, server, args.protection, this) : undefined;
    this.logGroup = this.createLogGroup(args);
    this.securityGroup = this.createSecurityGroup(args);
    const executionRole = this.createExecutionRole(args, built);
    const taskRole = new aws.iam.Role(
      `${name}-task-role`,
      { description: `Role of ${name}'s containers (mcp-stack ${args.stack})`, assumeRolePolicy: taskAssumeRolePolicy(args.region, args.accountId) },
      { parent: this },
    );
    const storage = createServerVolumes({
      stack: args.stack,
      server: name,
      volumes: args.volumes.filter((v) => v.type === "efs"),
      vpcId: args.vpcId,
      privateSubnetIds: args.privateSubnetIds,
      subnetCount: args.subnetCount,
      taskSecurityGroupId: this.securityGroup.id,
      taskRole,
      region: args.region,
      accountId: args.accountId,
      kmsKeyArn: args.storageKeyArn,
      protection: args.protection,
      replica: args.replica,
      parent: this,
    });
    this.volumes = storage.mounted;
    this.hostedVolumes = args.host?.volumes ?? [];
    const taskDefinition = this.createTaskDefinition(args, executionRole, taskRole, built);
    if (storage.restoreRole) {
      this.restoreTask = createRestoreTask({
        stack: args.stack,
        server: name,
        region: args.region,
        mounted: this.volumes,
        image: pinnedImage(RESTORE_IMAGE, args.protection.imagesByDigest, this),
        executionRoleArn: executionRole.arn,
        taskRoleArn: storage.restoreRole.arn,
        logGroupName: this.logGroup.name,
        parent: this,
      });
    }

    let loadBalancers: aws.types.input.ecs.ServiceLoadBalancer[] | undefined;
    let rule: aws.lb.ListenerRule | undefined;
    if (!server.internal) {
      this.targetGroup = this.createTargetGroup(args);
      rule = this.createListenerRule(args, this.targetGroup);
      if (args.auth) this.createDiscoveryRule(args, args.auth);
      loadBalancers = [{ targetGroupArn: this.targetGroup.arn, containerName: name, containerPort: this.port }];
    }

    // Target-group alarms exist before the service so that its deployments can roll back on them.
    const scope: AlarmContext["scope"] = { loadBalancer: platform.loadBalancerOf(args.loadBalancerGroup).alb.arnSuffix, targetGroup: this.targetGroup?.arnSuffix, cluster: platform.cluster.name, stack: args.stack, server: name };
    const alarmContext = (s: AlarmContext["scope"]): AlarmContext => ({ stack: args.stack, owner: name, scope: s, topics: args.topics, parent: this, paused: server.paused });
    const early = args.alarms.filter((spec) => spec.scope !== "service").map((spec) => ({ spec, alarm: createAlarm(spec, alarmContext(scope)) }));
    const gates = early.filter(({ spec }) => spec.gatesDeployments);

    const deploy = deploymentSettingsFor(server);
    const scaling = scalingPlanFor(server);
    this.service = new aws.ecs.Service(
      `${name}-service`,
      {
        cluster: platform.cluster.arn,
        taskDefinition: taskDefinition.arn,
        desiredCount: scaling.desired,
        ...(args.host
          ? {
              capacityProviderStrategies: [{ capacityProvider: args.host.capacityProvider.name, weight: 1 }],
              // Only once the host has mounted the volumes (decisions/host.ts sets the attribute after mounting).
              placementConstraints: [{ type: "memberOf", expression: `attribute:${VOLUMES_MOUNTED_ATTRIBUTE} == mounted` }],
            }
          : {
              capacityProviderStrategies: deploy.capacityProviderStrategy,
              platformVersion: "LATEST",
              // ECS changes a service's capacity provider strategy in place only with a new deployment, and the
              // provider refuses the update without this flag (terraform-provider-aws #43533): a rolling deploy.
              forceNewDeployment: true,
            }),
        networkConfiguration: { subnets: args.privateSubnetIds, securityGroups: [this.securityGroup.id], assignPublicIp: false },
        loadBalancers,
        healthCheckGracePeriodSeconds: deploy.healthCheckGracePeriodSeconds,
        deploymentMinimumHealthyPercent: deploy.minimumHealthyPercent,
        deploymentMaximumPercent: deploy.maximumPercent,
        deploymentCircuitBreaker: deploy.circuitBreaker,
        availabilityZoneRebalancing: "ENABLED",
        // `pulumi up` waits for the rollout: a first rollout that never becomes healthy fails the update. A later one
        // that the circuit breaker rolls back ends steady on the old revision, which the provider reports as success
        // (terraform-provider-aws #20858); README › Deploy safety says how on-call sees it.
        waitForSteadyState: true,
        enableEcsManagedTags: true,
        propagateTags: "SERVICE",
        alarms: gates.length
          ? { alarmNames: gates.map(({ alarm }) => alarm.name), enable: true, rollback: true }
          : undefined,
        serviceConnectConfiguration: {
          enabled: true,
          namespace: platform.namespace.arn,
          // Internal servers publish themselves by name (bolt://neo4j:7687); the others are clients only.
          services: server.internal
            ? [{ portName: name, discoveryName: name, clientAlias: [{ port: this.port, dnsName: name }] }]
            : undefined,
        },
        tags: { [TAG.server]: name, ...(server.paused ? { [PAUSED_TAG]: "true" } : {}) },
      },
      {
        parent: this,
        // Application Auto Scaling owns the task count after creation.
        ignoreChanges: ["desiredCount"],
        // ECS refuses a target group that no listener uses yet, and capacity providers must be attached first.
        dependsOn: [platform.capacityProviders, ...(rule ? [rule] : []), ...gates.map(({ alarm }) => alarm), ...storage.mountTargets],
      },
    );

    const late = args.alarms
      .filter((spec) => spec.scope === "service")
      .map((spec) => ({ spec, alarm: createAlarm(spec, alarmContext({ ...scope, service: this.service.name })) }));
    const all = [...early, ...late];
    this.alarms = all.map(({ alarm }) => alarm);
    const urgent = all.filter(({ spec }) => spec.severity === "P1" || spec.severity === "P2");
    this.healthAlarm = new aws.cloudwatch.CompositeAlarm(
      `${name}-alarm-health`,
      {
        alarmName: alarmName(args.stack, name, "health"),
        alarmDescription: `${name} needs attention: one of its P1/P2 alarms is in ALARM. No notification of its own (each alarm notifies its severity's topic); the status dashboards and mcp-ops read it.`,
        alarmRule: pulumi.all(urgent.map(({ alarm }) => alarm.name)).apply((names) => names.map((n) => `ALARM("${n}")`).join(" OR ")),
        actionsEnabled: false,
        tags: { [TAG.server]: name },
      },
      { parent: this, dependsOn: urgent.map(({ alarm }) => alarm) },
    );

    this.createAutoscaling(args, scaling);
    this.registerOutputs({ serviceName: this.service.name, logGroupName: this.logGroup.name });
  }

  /** Under the stack's logs key, with sensitive data masked as it is ingested; retention per server or per environment. */
  private createLogGroup({ stack, protection, server, logKeyArn }: McpServerArgs) {
    const logGroup = new aws.cloudwatch.LogGroup(
      `${this.serverName}-logs`,
      { name: serverLogGroupName(stack, this.serverName), retentionInDays: server.logRetentionDays ?? protection.logRetentionDays, kmsKeyId: logKeyArn },
      { parent: this, retainOnDelete: protection.retainStatefulOnDelete },
    );
    new aws.cloudwatch.LogDataProtectionPolicy(
      `${this.serverName}-logs-data-protection`,
      { logGroupName: logGroup.name, policyDocument: dataProtectionPolicy(`mcp-${stack}-${this.serverName}`) },
      { parent: this },
    );
    return logGroup;
  }

  /** Tasks accept traffic only on their own port, only from the ALB (public) or from dependent servers (internal). */
  private createSecurityGroup({ server, platform, vpcId, dependencies }: McpServerArgs) {
    const name = this.serverName;
    const sg = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      { vpcId, description: `mcp-stack ${name} tasks: port ${this.port} from ${server.internal ? "dependent servers" : "the ALB"} only` },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-egress`,
      { securityGroupId: sg.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "outbound APIs, image pulls and dependencies" },
      { parent: this },
    );
    if (!server.internal) {
      const port = { ipProtocol: "tcp", fromPort: this.port, toPort: this.port };
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-from-alb`,
        { securityGroupId: sg.id, referencedSecurityGroupId: platform.albSecurityGroup.id, ...port, description: "from the ALB" },
        { parent: this },
      );
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-alb-to-tasks`,
        { securityGroupId: platform.albSecurityGroup.id, referencedSecurityGroupId: sg.id, ...port, description: `ALB to ${name}` },
        { parent: this },
      );
    }
    for (const dep of dependencies) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-to-${dep.serverName}`,
        {
          securityGroupId: dep.securityGroup.id,
          referencedSecurityGroupId: sg.id,
          ipProtocol: "tcp",
          fromPort: dep.port,
          toPort: dep.port,
          description: `from ${name}`,
        },
        { parent: this },
      );
    }
    return sg;
  }

  private createExecutionRole(args: McpServerArgs, built?: BuiltImage) {
    const name = this.serverName;
    const role = new aws.iam.Role(
      `${name}-execution-role`,
      { description: `ECS agent role of ${name}: pull, log, read its own secrets`, assumeRolePolicy: taskAssumeRolePolicy(args.region, args.accountId) },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-execution-policy`,
      {
        role: role.id,
        policy: executionRolePolicy({
          logGroupArn: this.logGroup.arn,
          secretArns: args.server.secrets.map((s) => args.secretArns[s]),
          image: args.server.image,
          repositoryArn: built?.repositoryArn,
        }),
      },
      { parent: this },
    );
    return role;
  }

  private createTaskDefinition(args: McpServerArgs, executionRole: aws.iam.Role, taskRole: aws.iam.Role, built?: BuiltImage) {
    const { server, stack, region, config } = args;
    const name = this.serverName;
    const size = taskSize(server);
    const hosted = this.hostedVolumes.map((v) => ({ spec: v.spec, taskVolume: `ebs-${v.spec.key}` }));
    const container = {
      name,
      image: built?.image ?? pinnedImage(server.image!, args.protection.imagesByDigest, this),
      essential: true,
      command: containerCommand(server),
      user: server.user,
      readonlyRootFilesystem: server.readOnlyRootFilesystem,
      portMappings: [
        { name, containerPort: this.port, protocol: "tcp", ...(server.internal ? {} : { appProtocol: "http" }) },
      ],
      environment: this.environmentOf(args),
      secrets: server.secrets.map((secret) => ({ name: secret, valueFrom: args.secretArns[secret] })),
      healthCheck: containerHealthCheck(server, config.alerts.thresholds),
      linuxParameters: { initProcessEnabled: true },
      mountPoints: [
        { sourceVolume: "tmp", containerPath: "/tmp", readOnly: false },
        ...[...this.volumes, ...hosted].map((v) => ({ sourceVolume: v.taskVolume, containerPath: v.spec.path, readOnly: v.spec.readOnly })),
      ],
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": this.logGroup.name, "awslogs-region": region, "awslogs-stream-prefix": name },
      },
    };
    // Fargate gives a bind volume to root with mode 0755 (ECS developer guide, "Bind mounts"), and tmpfs is not
    // available on Fargate: a non-essential root container opens /tmp (1777) before the server starts, whatever user
    // the server's image runs as. It comes second: the server is the task's first container.
    const tmpPermissions = {
      name: TMP_INIT_CONTAINER,
      image: pinnedImage(RESTORE_IMAGE, args.protection.imagesByDigest, this),
      essential: false,
      user: "0",
      readonlyRootFilesystem: true,
      command: ["sh", "-c", "chmod 1777 /tmp"],
      mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
      logConfiguration: { ...container.logConfiguration, options: { ...container.logConfiguration.options, "awslogs-stream-prefix": TMP_INIT_CONTAINER } },
    };
    const main = { ...container, dependsOn: [{ containerName: TMP_INIT_CONTAINER, condition: "SUCCESS" }] };
    return new aws.ecs.TaskDefinition(
      `${name}-task`,
      {
        family: taskFamily(stack, name),
        // A replaced revision stays ACTIVE: ECS refuses to point a service at an INACTIVE (deregistered) revision
        // (ECS API reference, DeregisterTaskDefinition), so without this no rollback to the previous version is possible.
        skipDestroy: true,
        requiresCompatibilities: [args.host ? "EC2" : "FARGATE"],
        networkMode: "awsvpc",
        cpu: size.cpu,
        memory: size.memory,
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: server.architecture === "arm64" ? "ARM64" : "X86_64" },
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        // The root filesystem is read-only; /tmp is task storage the process may write (opened by the init container).
        volumes: [
          { name: "tmp" },
          // Transit encryption and IAM authorization: the file system policy admits only TLS mounts by this task role.
          ...this.volumes.map((v) => ({
            name: v.taskVolume,
            efsVolumeConfiguration: {
              fileSystemId: v.fileSystem.id,
              transitEncryption: "ENABLED",
              authorizationConfig: { accessPointId: v.accessPoint.id, iam: "ENABLED" },
            },
          })),
          ...hosted.map((v) => ({ name: v.taskVolume, hostPath: hostMountPath(v.spec) })),
        ],
        containerDefinitions: pulumi.jsonStringify([main, tmpPermissions]),
      },
      { parent: this },
    );
  }

  private createTargetGroup({ server, config, vpcId }: McpServerArgs) {
    const traffic = trafficPolicyFor(server, config.ingress);
    const hc = server.healthCheck;
    return new aws.lb.TargetGroup(
      `${this.serverName}-tg`,
      {
        vpcId,
        targetType: "ip",
        port: this.port,
        protocol: "HTTP",
        protocolVersion: "HTTP1",
        loadBalancingAlgorithmType: "least_outstanding_requests",
        deregistrationDelay: traffic.deregistrationDelaySeconds,
        stickiness: traffic.stickiness,
        healthCheck: {
          enabled: true,
          path: hc.path,
          port: "traffic-port",
          protocol: "HTTP",
          matcher: "200-299",
          interval: hc.intervalSeconds,
          timeout: hc.timeoutSeconds,
          healthyThreshold: hc.healthyThreshold,
          unhealthyThreshold: config.alerts.thresholds.consecutiveFailures,
        },
      },
      { parent: this },
    );
  }

  /** Plain environment, plus, behind Cognito, what the server needs to re-validate tokens and publish its OAuth metadata. */
  private environmentOf({ server, auth, config, platform, loadBalancerGroup }: McpServerArgs) {
    const plain: { name: string; value: pulumi.Input<string> }[] = containerEnvironment(server);
    if (!auth || server.internal || server.transport === "stdio") return plain;
    const resource = platform.loadBalancerOf(loadBalancerGroup).alb.dnsName.apply((dns) => serverUrl(server, config.ingress, dns, loadBalancerGroup));
    const extra = Object.entries(authEnvironment(auth, this.serverName, server, resource)).map(([name, value]) => ({ name, value }));
    return [...plain, ...extra].sort((a, b) => a.name.localeCompare(b.name));
  }

  private createListenerRule({ server, platform, rulePriority, auth, loadBalancerGroup }: McpServerArgs, targetGroup: aws.lb.TargetGroup) {
    const route = server.route!;
    const rewrite = prefixRewrite(route);
    const forward = { type: "forward", targetGroupArn: targetGroup.arn };
    return new aws.lb.ListenerRule(
      `${this.serverName}-rule`,
      {
        listenerArn: platform.loadBalancerOf(loadBalancerGroup).routingListener.arn,
        priority: rulePriority,
        conditions: routeConditions(route),
        // Behind Cognito the ALB rejects requests without a valid bearer token carrying mcp/read before they reach a task.
        actions: auth ? [{ type: "jwt-validation", order: 1, jwtValidation: jwtValidation(auth, requiredScopeOf(this.serverName, server)) }, { ...forward, order: 2 }] : [forward],
        transforms: rewrite ? [{ type: "url-rewrite", urlRewriteConfig: { rewrite } }] : undefined,
      },
      { parent: this },
    );
  }

  /**
   * OAuth protected-resource metadata is fetched before a client has a token: the ALB answers it itself, without
   * validation, where RFC 9728 clients look (decisions/routing.ts), just before the route's own rule.
   */
  private createDiscoveryRule({ server, platform, rulePriority, config, loadBalancerGroup }: McpServerArgs, auth: AuthSettings<pulumi.Output<string>>) {
    const lb = platform.loadBalancerOf(loadBalancerGroup);
    const metadata = pulumi
      .all([lb.alb.dnsName, auth.issuer])
      .apply(([dns, issuer]) => protectedResourceMetadata(serverUrl(server, config.ingress, dns, loadBalancerGroup), issuer, this.serverName));
    return new aws.lb.ListenerRule(
      `${this.serverName}-rule-discovery`,
      {
        listenerArn: lb.routingListener.arn,
        priority: discoveryPriority(rulePriority!),
        conditions: discoveryConditions(server.route!),
        actions: [{ type: "fixed-response", fixedResponse: { contentType: "application/json", statusCode: "200", messageBody: metadata } }],
      },
      { parent: this },
    );
  }

  private createAutoscaling({ platform, stack, server, loadBalancerGroup }: McpServerArgs, plan: ReturnType<typeof scalingPlanFor>) {
    const name = this.serverName;
    const alb = platform.loadBalancerOf(loadBalancerGroup).alb;
    const target = new aws.appautoscaling.Target(
      `${name}-scaling`,
      {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${platform.cluster.name}/${this.service.name}`,
        minCapacity: plan.min,
        maxCapacity: plan.max,
      },
      { parent: this },
    );
    for (const policy of plan.policies) {
      const resourceLabel =
        policy.metric === "ALBRequestCountPerTarget" ? pulumi.interpolate`${alb.arnSuffix}/${this.targetGroup!.arnSuffix}` : undefined;
      new aws.appautoscaling.Policy(
        `${name}-scale-${policy.key}`,
        {
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          scalableDimension: target.scalableDimension,
          resourceId: target.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            predefinedMetricSpecification: { predefinedMetricType: policy.metric, resourceLabel },
            targetValue: policy.target,
            scaleOutCooldown: policy.scaleOutCooldownSeconds,
            scaleInCooldown: policy.scaleInCooldownSeconds,
          },
        },
        { parent: this },
      );
    }
    const scope = { loadBalancer: alb.arnSuffix, targetGroup: this.targetGroup?.arnSuffix, cluster: platform.cluster.name, service: this.service.name };
    for (const step of plan.stepScaleOut) {
      const policy = new aws.appautoscaling.Policy(
        `${name}-scale-${step.key}`,
        {
          policyType: "StepScaling",
          serviceNamespace: target.serviceNamespace,
          scalableDimension: target.scalableDimension,
          resourceId: target.resourceId,
          stepScalingPolicyConfiguration: {
            adjustmentType: "ChangeInCapacity",
            cooldown: step.cooldownSeconds,
            metricAggregationType: step.stat === "Sum" ? "Maximum" : "Average",
            stepAdjustments: [
              { metricIntervalLowerBound: "0", metricIntervalUpperBound: String(step.bigStep), scalingAdjustment: 1 },
              { metricIntervalLowerBound: String(step.bigStep), scalingAdjustment: 2 },
            ],
          },
        },
        { parent: this },
      );
      const metric = METRICS[step.metric];
      new aws.cloudwatch.MetricAlarm(
        `${name}-alarm-${step.key}`,
        {
          name: alarmName(stack, name, step.key),
          alarmDescription: `Scaling, not paging: ${name} adds tasks when ${metric.name} (${step.stat}) is above ${step.threshold} for one minute.`,
          namespace: metric.namespace,
          metricName: metric.name,
          dimensions: dimensionsFor(metric.scope, scope),
          statistic: step.stat,
          period: STEP_ALARM_SECONDS,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          comparisonOperator: "GreaterThanThreshold",
          threshold: step.threshold,
          treatMissingData: "notBreaching",
          alarmActions: [policy.arn],
          actionsEnabled: !server.paused,
          tags: { [TAG.server]: name, "mcp-stack:purpose": "scaling" },
        },
        { parent: this },
      );
    }
  }
}
