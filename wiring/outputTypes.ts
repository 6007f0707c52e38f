import type * as pulumi from "@pulumi/pulumi";
import type { AuthClient } from "../components/auth";
import type { VolumeCoverage } from "../decisions/backup";

export interface StackOutputs {
  /** The main load balancer's; `loadBalancers` has every one by group. */
  albDnsName: pulumi.Output<string>;
  loadBalancers: Record<string, pulumi.Output<string>>;
  clusterName: pulumi.Output<string>;
  servers: Record<
    string,
    {
      url?: pulumi.Output<string>;
      /** The load balancer group carrying its route; read back by the next deploy so that the server stays there. */
      loadBalancer?: string;
      serviceName: pulumi.Output<string>;
      logGroupName: pulumi.Output<string>;
      dashboardUrl: pulumi.Output<string>;
      taskDefinition: pulumi.Output<string>;
    }
  >;
  dashboardUrl: pulumi.Output<string>;
  /** Per volume (`server:/path`): what a later deploy must not replace. Read back by program.ts before each deploy. */
  volumes: Record<string, DeployedVolumeOutput>;
  backupVaultName?: pulumi.Output<string>;
  backupRoleArn?: pulumi.Output<string>;
  privateSubnetIds: pulumi.Output<string[]>;
  /** With ingress.auth: cognito: where machine clients get tokens (client credentials) and who issues them. */
  auth?: { issuer: pulumi.Output<string>; tokenUrl: pulumi.Output<string>; clients: Record<string, AuthClient> };
  /** The recovery targets and, per volume, the rules that cover it and the RPO/RTO they achieve. */
  recovery: { rpoMinutes: number; rtoMinutes: number; volumes: Record<string, Omit<VolumeCoverage, "volume">> };
}

export interface DeployedVolumeOutput {
  type: "efs" | "ebs";
  /** EFS volumes. */
  fileSystemId?: pulumi.Output<string>;
  accessPointId?: pulumi.Output<string>;
  performanceMode?: string;
  /** EBS volumes. */
  volumeId?: pulumi.Output<string>;
  backup: boolean;
  /**
   * What the restore runbook (README) runs. EFS: the server's restore task, its network and the command. EBS: the
   * command for the host (SSM Run Command), found by its Auto Scaling group.
   */
  restore: {
    command: string[];
    serviceName: pulumi.Output<string>;
    minTasks: number;
    taskDefinition?: pulumi.Output<string>;
    securityGroupId?: pulumi.Output<string>;
    autoScalingGroupName?: pulumi.Output<string>;
  };
}
