import type { StackConfig } from "../config/schema";

export interface Protection {
  /** ALB deletion protection (Security Hub ELB.6). */
  albDeletionProtection: boolean;
  logRetentionDays: number;
  /** Keep stateful resources (log groups, secrets) in AWS when they leave the program. */
  retainStatefulOnDelete: boolean;
  secretRecoveryWindowDays: number;
  /** `protect` on file systems and backup vaults: Pulumi refuses to delete or replace them until unprotected. */
  protectStateful: boolean;
  /** Tasks run images by digest, tags resolved at deploy time (components/images.ts). */
  imagesByDigest: boolean;
}

/** Protection defaults driven by `mcp-stack:environment`. */
export function protectionFor(environment: StackConfig["environment"]): Protection {
  switch (environment) {
    case "prod":
      return { albDeletionProtection: true, logRetentionDays: 90, retainStatefulOnDelete: true, secretRecoveryWindowDays: 30, protectStateful: true, imagesByDigest: true };
    case "staging":
      return { albDeletionProtection: false, logRetentionDays: 30, retainStatefulOnDelete: true, secretRecoveryWindowDays: 7, protectStateful: true, imagesByDigest: false };
    case "dev":
      return { albDeletionProtection: false, logRetentionDays: 14, retainStatefulOnDelete: false, secretRecoveryWindowDays: 7, protectStateful: false, imagesByDigest: false };
  }
}
