import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { BLOCK_STORAGE_DATABASES } from "../../decisions/images";
import { SECRET_LOOKING_NAME } from "../../decisions/tasks";
import { containersOf, isPinnedImage, resourcesOfType, stackOfUrn, ruleConfig, PROD_STACKS } from "./support";
import { TYPE } from "../../decisions/resourceTypes";

/** Services placed on an EC2 capacity provider (a server's own host), not on Fargate. */
const onOwnHost = (service: { capacityProviderStrategies?: { capacityProvider: string }[] }) =>
  (service.capacityProviderStrategies ?? []).some((s) => !s.capacityProvider.startsWith("FARGATE"));

/** Values that look like credentials whatever their variable is called (AWS keys, OpenAI/Resend/Stripe-style keys, private keys). */
const SECRET_LOOKING_VALUE = /(AKIA[0-9A-Z]{16}|\b(sk|rk|re|pk)_[A-Za-z0-9_-]{16,}|\bsk-[A-Za-z0-9_-]{20,}|-----BEGIN [A-Z ]*PRIVATE KEY-----)/;

const ecsReadOnlyRootFilesystemConfig = ruleConfig({
  allowWritableRoot: { type: "array", items: { type: "string" }, default: [] as string[], description: "Container names allowed a writable root filesystem (e.g. databases that write outside their volumes)." },
});
const ecsContainerInsightsConfig = ruleConfig({ stacks: PROD_STACKS });
const ecsDeploymentRollbackConfig = ruleConfig({ minimumHealthyPercent: { type: "integer", default: 100, minimum: 0, maximum: 100 } });
const fargateSpotOnDemandBaseConfig = ruleConfig({ stacks: PROD_STACKS });
const ecsImageDigestConfig = ruleConfig({ stacks: PROD_STACKS });

export const ecsPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  {
    name: "ecs-no-public-ip",
    description: "ECS services run tasks without public IP addresses. Security Hub ECS.2 / ECS.16.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.ecs.Service, (service, args, reportViolation) => {
      if (service.networkConfiguration?.assignPublicIp) {
        reportViolation(`${args.name}: assigns public IPs to its tasks; set networkConfiguration.assignPublicIp to false and run the tasks in private subnets behind the ALB.`);
      }
    }),
  },
  {
    name: "ecs-no-privileged-containers",
    description: "No container runs privileged. Security Hub ECS.4.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.ecs.TaskDefinition, (task, args, reportViolation) => {
      for (const c of containersOf(task)) {
        if (c.privileged) reportViolation(`${args.name}: container ${c.name} is privileged; remove privileged: true (Fargate refuses it, and it grants host access).`);
      }
    }),
  },
  {
    name: "ecs-read-only-root-filesystem",
    description: "Containers have a read-only root filesystem, except those the team exempts in policy config with a reason. Security Hub ECS.5.",
    enforcementLevel: "mandatory",
    configSchema: ecsReadOnlyRootFilesystemConfig.configSchema,
    validateResource: validateResourceOfType(aws.ecs.TaskDefinition, (task, args, reportViolation) => {
      const { allowWritableRoot } = ecsReadOnlyRootFilesystemConfig.read(args);
      for (const c of containersOf(task)) {
        if (c.readonlyRootFilesystem !== true && !allowWritableRoot.includes(c.name ?? "")) {
          reportViolation(`${args.name}: container ${c.name} has a writable root filesystem; set readOnlyRootFilesystem (the default) and write to /tmp or a volume, or exempt it in policy config ecs-read-only-root-filesystem.allowWritableRoot with the reason.`);
        }
      }
    }),
  },
  {
    name: "ecs-secrets-not-in-environment",
    description: "Secrets reach containers only through `secrets` (Secrets Manager), never as plain environment variables. Security Hub ECS.8.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.ecs.TaskDefinition, (task, args, reportViolation) => {
      for (const c of containersOf(task)) {
        for (const { name, value } of c.environment ?? []) {
          if (SECRET_LOOKING_NAME.test(name) || SECRET_LOOKING_VALUE.test(value ?? "")) {
            reportViolation(`${args.name}: container ${c.name} has ${name} in its plain environment and it looks like a secret; list it in the server's secrets so ECS reads it from Secrets Manager.`);
          }
        }
      }
    }),
  },
  {
    name: "ecs-log-configuration",
    description: "Every container sends its logs somewhere (a log driver is configured). Security Hub ECS.9.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.ecs.TaskDefinition, (task, args, reportViolation) => {
      for (const c of containersOf(task)) {
        if (!c.logConfiguration?.logDriver) reportViolation(`${args.name}: container ${c.name} has no logConfiguration; send its logs to CloudWatch with the awslogs driver.`);
      }
    }),
  },
  {
    name: "ecs-fargate-platform-latest",
    description: "Fargate services run on the LATEST platform version (security patches). Security Hub ECS.10.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.ecs.Service, (service, args, reportViolation) => {
      if (service.platformVersion !== undefined && service.platformVersion !== "LATEST") {
        reportViolation(`${args.name}: pins Fargate platform ${service.platformVersion}; set platformVersion to LATEST.`);
      }
    }),
  },
  {
    name: "ecs-container-insights",
    description: "ECS clusters of production stacks have Container Insights on (Security Hub ECS.12); other stacks may save its custom metrics.",
    enforcementLevel: "mandatory",
    configSchema: ecsContainerInsightsConfig.configSchema,
    validateResource: validateResourceOfType(aws.ecs.Cluster, (cluster, args, reportViolation) => {
      const { stacks } = ecsContainerInsightsConfig.read(args);
      if (!stacks.includes(stackOfUrn(args.urn))) return;
      const setting = (cluster.settings ?? []).find((s) => s.name === "containerInsights");
      if (!setting || !["enabled", "enhanced"].includes(setting.value)) {
        reportViolation(`${args.name}: Container Insights is off; add settings: [{ name: containerInsights, value: enabled }].`);
      }
    }),
  },
  {
    name: "ecs-separate-execution-and-task-roles",
    description: "A task's execution role (pull, logs, secrets) is not its task role (what the application may call).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.ecs.TaskDefinition, (task, args, reportViolation) => {
      if (task.taskRoleArn && task.executionRoleArn && task.taskRoleArn === task.executionRoleArn) {
        reportViolation(`${args.name}: uses one role as execution and task role, so the application could read every secret the agent can; give it a task role of its own.`);
      }
    }),
  },
  {
    name: "ecs-efs-transit-encryption",
    description: "EFS volumes of a task are mounted with TLS (transit encryption) and IAM authorization.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.ecs.TaskDefinition, (task, args, reportViolation) => {
      for (const v of task.volumes ?? []) {
        const efs = v.efsVolumeConfiguration;
        if (!efs) continue;
        if (efs.transitEncryption !== "ENABLED") reportViolation(`${args.name}: EFS volume ${v.name} is mounted without transit encryption; set efsVolumeConfiguration.transitEncryption to ENABLED.`);
        if (efs.authorizationConfig?.iam !== "ENABLED") reportViolation(`${args.name}: EFS volume ${v.name} is mounted without IAM authorization; set authorizationConfig.iam to ENABLED with an access point.`);
      }
    }),
  },
  {
    name: "ecs-deployment-rollback",
    description: "Rolling deploys keep full capacity and roll back by themselves: circuit breaker with rollback, minimum healthy ≥ 100 %.",
    enforcementLevel: "mandatory",
    configSchema: ecsDeploymentRollbackConfig.configSchema,
    validateResource: validateResourceOfType(aws.ecs.Service, (service, args, reportViolation) => {
      const { minimumHealthyPercent } = ecsDeploymentRollbackConfig.read(args);
      const breaker = service.deploymentCircuitBreaker;
      if (!breaker?.enable || !breaker.rollback) reportViolation(`${args.name}: a failed deploy would not roll back; set deploymentCircuitBreaker: { enable: true, rollback: true }.`);
      // A single-writer store (a database on its host's EBS volume) is deployed stop-before-start instead.
      if (onOwnHost(service) && (service.deploymentMaximumPercent ?? 200) <= 100) return;
      if ((service.deploymentMinimumHealthyPercent ?? 100) < minimumHealthyPercent) {
        reportViolation(`${args.name}: deploys drop to ${service.deploymentMinimumHealthyPercent} % healthy tasks; keep deploymentMinimumHealthyPercent at ${minimumHealthyPercent} or more.`);
      }
    }),
  },
  {
    name: "fargate-spot-on-demand-base",
    description: "In production stacks a service on Fargate Spot keeps an on-demand base: Spot tasks are reclaimed with two minutes' notice and ECS does not fall back to on-demand when Spot has no capacity.",
    enforcementLevel: "mandatory",
    configSchema: fargateSpotOnDemandBaseConfig.configSchema,
    validateResource: validateResourceOfType(aws.ecs.Service, (service, args, reportViolation) => {
      const { stacks } = fargateSpotOnDemandBaseConfig.read(args);
      const strategy = service.capacityProviderStrategies ?? [];
      if (!stacks.includes(stackOfUrn(args.urn)) || !strategy.some((c) => c.capacityProvider === "FARGATE_SPOT")) return;
      const base = strategy.find((c) => c.capacityProvider === "FARGATE")?.base ?? 0;
      if (base < 1) reportViolation(`${args.name}: every task may run on Fargate Spot; keep at least one on on-demand Fargate (spot: { onDemandBase: 1 } or more).`);
    }),
  },
  {
    name: "ecs-image-pinned",
    description: "Container images are pinned to a version tag other than latest, or to a digest, so a deploy is reproducible and can roll back.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.ecs.TaskDefinition, (task, args, reportViolation) => {
      for (const c of containersOf(task)) {
        if (c.image && !isPinnedImage(c.image)) reportViolation(`${args.name}: container ${c.name} runs ${c.image}; pin a version tag (not latest) or a digest.`);
      }
    }),
  },
  {
    name: "database-single-writer-storage",
    description: "Databases keep their store on a block volume of their own host, never on EFS (NFS), and never run two copies on it: stop-before-start deploys.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
      const tasks = resourcesOfType(args.resources, TYPE.taskDefinition);
      for (const task of tasks) {
        const database = containersOf(task.props).map((c) => (c.image ? BLOCK_STORAGE_DATABASES.exec(c.image)?.[2] : undefined)).find(Boolean);
        if (!database || task.name.endsWith("-restore-task")) continue;
        if ((task.props.volumes ?? []).some((v: any) => v.efsVolumeConfiguration)) {
          reportViolation(`${task.name}: runs ${database} with its store on EFS, which ${database} does not support (NFS); give the volume type: ebs.`, task.urn);
        }
        const services = resourcesOfType(args.resources, TYPE.service).filter((s) => (s.propertyDependencies.taskDefinition ?? []).some((d) => d.urn === task.urn));
        for (const service of services) {
          if ((service.props.deploymentMaximumPercent ?? 200) > 100) {
            reportViolation(`${service.name}: a deploy starts a second ${database} on the same store; set deploymentMaximumPercent: 100 and deploymentMinimumHealthyPercent: 0.`, service.urn);
          }
        }
      }
    },
  },
  {
    name: "ecs-image-digest",
    description: "In production stacks every container runs an image by digest, so each deploy records exactly what runs and a moved tag changes nothing.",
    enforcementLevel: "mandatory",
    configSchema: ecsImageDigestConfig.configSchema,
    validateResource: validateResourceOfType(aws.ecs.TaskDefinition, (task, args, reportViolation) => {
      const { stacks } = ecsImageDigestConfig.read(args);
      if (!stacks.includes(stackOfUrn(args.urn))) return;
      for (const c of containersOf(task)) {
        if (c.image && !/@sha256:[0-9a-f]{64}$/.test(c.image)) reportViolation(`${args.name}: container ${c.name} runs ${c.image} by tag in stack ${stackOfUrn(args.urn)}; run it by digest (the stack resolves tags at deploy time in prod).`);
      }
    }),
  },
];
