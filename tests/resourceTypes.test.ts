import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as dockerBuild from "@pulumi/docker-build";
import { COMPONENT, TYPE } from "../decisions/resourceTypes";
import { shippedPlan } from "./support/shippedPlans";

/** The SDK class that creates each resource the plan, the pack and the engine look for by its type token. */
const CLASSES: Record<keyof typeof TYPE, unknown> = {
  vpc: awsx.ec2.Vpc,
  cluster: aws.ecs.Cluster,
  service: aws.ecs.Service,
  taskDefinition: aws.ecs.TaskDefinition,
  httpNamespace: aws.servicediscovery.HttpNamespace,
  loadBalancer: aws.lb.LoadBalancer,
  targetGroup: aws.lb.TargetGroup,
  listener: aws.lb.Listener,
  listenerRule: aws.lb.ListenerRule,
  securityGroup: aws.ec2.SecurityGroup,
  securityGroupRule: aws.ec2.SecurityGroupRule,
  ingressRule: aws.vpc.SecurityGroupIngressRule,
  egressRule: aws.vpc.SecurityGroupEgressRule,
  route: aws.ec2.Route,
  launchTemplate: aws.ec2.LaunchTemplate,
  autoScalingGroup: aws.autoscaling.Group,
  instanceProfile: aws.iam.InstanceProfile,
  role: aws.iam.Role,
  rolePolicy: aws.iam.RolePolicy,
  secret: aws.secretsmanager.Secret,
  secretVersion: aws.secretsmanager.SecretVersion,
  scalingTarget: aws.appautoscaling.Target,
  scalingPolicy: aws.appautoscaling.Policy,
  record: aws.route53.Record,
  logGroup: aws.cloudwatch.LogGroup,
  logResourcePolicy: aws.cloudwatch.LogResourcePolicy,
  metricAlarm: aws.cloudwatch.MetricAlarm,
  compositeAlarm: aws.cloudwatch.CompositeAlarm,
  dashboard: aws.cloudwatch.Dashboard,
  topic: aws.sns.Topic,
  topicSubscription: aws.sns.TopicSubscription,
  kmsKey: aws.kms.Key,
  fileSystem: aws.efs.FileSystem,
  fileSystemPolicy: aws.efs.FileSystemPolicy,
  efsBackupPolicy: aws.efs.BackupPolicy,
  efsReplication: aws.efs.ReplicationConfiguration,
  accessPoint: aws.efs.AccessPoint,
  mountTarget: aws.efs.MountTarget,
  ebsVolume: aws.ebs.Volume,
  backupVault: aws.backup.Vault,
  vaultLock: aws.backup.VaultLockConfiguration,
  backupPlan: aws.backup.Plan,
  backupSelection: aws.backup.Selection,
  backupFramework: aws.backup.Framework,
  restoreTestingPlan: aws.backup.RestoreTestingPlan,
  restoreTestingSelection: aws.backup.RestoreTestingSelection,
  configRecorder: aws.cfg.Recorder,
  configRecorderStatus: aws.cfg.RecorderStatus,
  configDeliveryChannel: aws.cfg.DeliveryChannel,
  webAcl: aws.wafv2.WebAcl,
  webAclAssociation: aws.wafv2.WebAclAssociation,
  repository: aws.ecr.Repository,
  image: dockerBuild.Image,
  userPool: aws.cognito.UserPool,
  userPoolClient: aws.cognito.UserPoolClient,
  schedule: aws.scheduler.Schedule,
  lambdaFunction: aws.lambda.Function,
  bucket: aws.s3.Bucket,
  bucketPolicy: aws.s3.BucketPolicy,
  bucketPublicAccessBlock: aws.s3.BucketPublicAccessBlock,
};

describe("the type tokens the plan, the pack and the engine look for", () => {
  it.each(Object.entries(TYPE))("%s is the token of the SDK class that creates it", (key, token) => {
    expect((CLASSES[key as keyof typeof TYPE] as { __pulumiType?: string }).__pulumiType).toBe(token);
  });

  it("every component token is one a component of the seed stacks registers", async () => {
    const [dev, prod] = [await shippedPlan("dev"), await shippedPlan("prod")];
    const registered = new Set([...dev.resources, ...prod.resources].map((r) => r.type));
    expect(Object.values(COMPONENT).filter((token) => !registered.has(token))).toEqual([]);
  });
});
