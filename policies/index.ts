import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./rules";

// Constructing the pack starts Pulumi's policy server: only `pulumi preview|up --policy-pack policies` loads this file.
new PolicyPack("mcp-stack", { policies: POLICIES, enforcementLevel: "mandatory" });
