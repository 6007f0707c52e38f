import type { Policies } from "@pulumi/policy";
import { albPolicies } from "./alb";
import { dataPolicies } from "./data";
import { ecsPolicies } from "./ecs";
import { networkPolicies } from "./network";
import { securityPolicies } from "./security";
import { stackPolicies } from "./stack";

/** Every rule of the mcp-stack pack. Importing this never starts a policy server (index.ts does). */
export const POLICIES: Policies = [...ecsPolicies, ...albPolicies, ...dataPolicies, ...networkPolicies, ...securityPolicies, ...stackPolicies];
