import { TAG } from "./names";
/**
 * A NAT instance instead of a managed NAT gateway ($0.045 an hour and per GB): the fck-nat image (fck-nat.dev, Amazon
 * Linux 2023, published by AWS account 568608671756) on a t4g.nano, in an Auto Scaling group of one that replaces it
 * when it fails. Its private subnets route to a static network interface that each new instance attaches (fck-nat's
 * `eni_id`), so the routes never change; its outbound address is a fixed Elastic IP (`eip_id`).
 */
export const NAT_INSTANCE = {
  amiOwner: "568608671756",
  amiName: "fck-nat-al2023-hvm-*",
  architecture: "arm64",
  instanceType: "t4g.nano",
} as const;

/** The tag on the NAT's instance, interfaces and address; its role may attach and associate only what carries it. */
export const NAT_TAG = TAG.nat;

/** The boot script: fck-nat reads /etc/fck-nat.conf and attaches the interface and the address itself. */
export function natInstanceUserData(eniId: string, eipAllocationId: string): string {
  return ["#!/bin/sh", ": > /etc/fck-nat.conf", `echo "eni_id=${eniId}" >> /etc/fck-nat.conf`, `echo "eip_id=${eipAllocationId}" >> /etc/fck-nat.conf`, "service fck-nat restart", ""].join("\n");
}
