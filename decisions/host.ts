import type { ServerConfig } from "../config/schema";
import type { VolumeSpec } from "./backup";

/**
 * The EC2 host of a server whose volumes are EBS (databases): one instance in one AZ, the volume's, that attaches the
 * volumes at boot and runs the server's single task.
 */

/** Burstable general-purpose sizes, smallest first: vCPUs and MiB. */
const SIZES = [
  { size: "nano", vcpu: 2, memoryMiB: 512 },
  { size: "micro", vcpu: 2, memoryMiB: 1024 },
  { size: "small", vcpu: 2, memoryMiB: 2048 },
  { size: "medium", vcpu: 2, memoryMiB: 4096 },
  { size: "large", vcpu: 2, memoryMiB: 8192 },
  { size: "xlarge", vcpu: 4, memoryMiB: 16384 },
  { size: "2xlarge", vcpu: 8, memoryMiB: 32768 },
];

/**
 * The ECS agent, the OS and the page cache need part of an instance's memory: ECS registers less than the instance
 * has (ECS developer guide, "Container instance memory management"), so a task gets at most ~85 % of it here.
 */
export const HOST_MEMORY_SHARE = 0.85;

/** The configured type, else the smallest t3 (x86_64) or t4g (arm64) that fits the task's cpu and memory. */
export function hostInstanceType(server: ServerConfig): string {
  return server.instanceType ?? smallestInstanceFor(server.cpu, server.memory, server.architecture === "arm64" ? "t4g" : "t3", HOST_MEMORY_SHARE);
}

/** The smallest burstable size of a family whose vCPUs and share of memory hold the given CPU units and MiB. */
export function smallestInstanceFor(cpu: number, memory: number, family: "t3" | "t4g", memoryShare: number): string {
  const fit = SIZES.find((s) => s.vcpu * 1024 >= cpu && s.memoryMiB * memoryShare >= memory);
  if (!fit) throw new Error(`no ${family} size fits ${cpu} CPU units and ${memory} MiB; set instanceType`);
  return `${family}.${fit.size}`;
}

/** Where a volume is mounted on the host, and bind-mounted into the task from. */
export const hostMountPath = (volume: Pick<VolumeSpec, "key">) => `/mnt/mcp/${volume.key}`;

/** The ECS instance attribute the host sets once its volumes are mounted; the service only places tasks there. */
export const VOLUMES_MOUNTED_ATTRIBUTE = "mcp-stack.volumes";

export interface HostVolume {
  spec: VolumeSpec;
  volumeId: string;
}

/**
 * The host's boot script (EC2 user data, run by cloud-init as root before the ECS agent starts; ECS developer guide,
 * "Bootstrapping Linux container instances with user data"). It attaches each EBS volume — retrying while an instance
 * being replaced still holds it — finds it by its NVMe serial (the volume id), makes a file system on a blank volume
 * only, mounts it, and only then joins the cluster with the attribute the service's placement constraint requires.
 */
export function hostUserData(cluster: string, region: string, volumes: HostVolume[]): string {
  const lines = [
    "#!/bin/bash",
    "set -euo pipefail",
    'TOKEN=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300")',
    'INSTANCE=$(curl -fsS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-id)',
  ];
  volumes.forEach(({ spec, volumeId }, i) => {
    const device = `/dev/xvd${String.fromCharCode("f".charCodeAt(0) + i)}`;
    const mount = hostMountPath(spec);
    lines.push(
      `until aws ec2 attach-volume --region ${region} --volume-id ${volumeId} --instance-id "$INSTANCE" --device ${device}; do sleep 10; done`,
      `DEV=/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${volumeId.replace("-", "")}`,
      'for _ in $(seq 120); do [ -e "$DEV" ] && break; sleep 2; done',
      // A file system only on a blank volume: never format one that has data.
      'blkid "$DEV" >/dev/null || mkfs.xfs "$DEV"',
      `mkdir -p ${mount}`,
      `mount -o noatime "$DEV" ${mount}`,
      `chown ${spec.uid}:${spec.gid} ${mount}`,
    );
  });
  lines.push(
    `cat >> /etc/ecs/ecs.config <<'EOF'`,
    `ECS_CLUSTER=${cluster}`,
    "ECS_AWSVPC_BLOCK_IMDS=true",
    `ECS_INSTANCE_ATTRIBUTES={"${VOLUMES_MOUNTED_ATTRIBUTE}":"mounted"}`,
    "EOF",
  );
  return `${lines.join("\n")}\n`;
}

/**
 * Restoring an EBS recovery point: AWS Backup restores it as a new volume in the host's AZ; this runs on the host
 * (SSM Run Command, the service stopped) to copy it over the live volume's data: attach, mount read-only, replace,
 * detach. `$RESTORED` is the restored volume's id.
 */
export function ebsRestoreCommand(volume: Pick<VolumeSpec, "key">, region: string): string[] {
  const mount = hostMountPath(volume);
  return [
    "set -euo pipefail",
    'TOKEN=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300")',
    'INSTANCE=$(curl -fsS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-id)',
    `aws ec2 attach-volume --region ${region} --volume-id "$RESTORED" --instance-id "$INSTANCE" --device /dev/xvdz`,
    'SRC=/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${RESTORED/-/}',
    'for _ in $(seq 120); do [ -e "$SRC" ] && break; sleep 2; done',
    "mkdir -p /mnt/restore && mount -o ro,nouuid \"$SRC\" /mnt/restore",
    ...swapCommand("/mnt/restore", mount),
    "umount /mnt/restore",
    `aws ec2 detach-volume --region ${region} --volume-id "$RESTORED"`,
    `echo "restored ${mount} from $RESTORED"`,
  ];
}

/** Replace the live tree with the restored one, keeping ownership and modes. */
export function swapCommand(from: string, to: string): string[] {
  return [`find ${to} -mindepth 1 -delete`, `cp -a ${from}/. ${to}/`];
}
