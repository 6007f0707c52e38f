import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TYPE } from "../../decisions/resourceTypes";

/**
 * EC2 CreateSecurityGroup `GroupDescription` and the rules' `Description`: "Up to 255 characters … a-z, A-Z, 0-9,
 * spaces, and ._-:/()#,@[]+=&;{}!$*" (EC2 API reference). The provider does not check it, so `pulumi up` fails at EC2.
 */
export const EC2_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/;

const DESCRIBED = new Set<string>([
  TYPE.securityGroup,
  TYPE.ingressRule,
  TYPE.egressRule,
  TYPE.securityGroupRule,
]);

export const networkPolicies: ResourceValidationPolicy[] = [
  {
    name: "security-group-description-charset",
    description: "Security group and security group rule descriptions use only the characters EC2 accepts, at most 255 of them.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
      if (!DESCRIBED.has(args.type)) return;
      const description = args.props.description;
      if (typeof description !== "string" || EC2_DESCRIPTION.test(description)) return;
      const bad = [...new Set(description.replace(/[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]/g, ""))].join("");
      reportViolation(
        `${args.name}: description ${JSON.stringify(description)} ${description.length > 255 ? `has ${description.length} characters (EC2 allows 255)` : `contains ${JSON.stringify(bad)}, which EC2 refuses`}; use only letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*.`,
      );
    },
  },
];
