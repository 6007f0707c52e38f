import { shippedPlan } from "./support/shippedPlans";
import type { Plan } from "../engine/offline";
import { checkWithProvider, terraformAvailability, terraformTypeOf } from "../engine/providerCheck";
import { named } from "./support/plan";
import { TYPE } from "../decisions/resourceTypes";

/**
 * The provider's validators (terraform validate with hashicorp/aws from the local mirror) over both shipped stacks in
 * one run, with one resource as the stack had it before: the class of error the mock runtime never shows.
 */
const terraform = terraformAvailability();
const describeWithTerraform = terraform.available ? describe : describe.skip;
if (!terraform.available) console.log(`skipped the provider check: ${terraform.why}`);

describeWithTerraform("the hashicorp/aws provider's input checks over the plans", () => {
  let result: ReturnType<typeof checkWithProvider>;
  beforeAll(async () => {
    const [prod, dev] = [await shippedPlan("prod"), await shippedPlan("dev")];
    const prefixed = (plan: Plan) => plan.resources.map((r) => ({ ...r, name: `${plan.stack}-${r.name}` }));
    const selection = named(prod, "backup-restore-test-volumes");
    const before = { ...selection, name: "before-restore-test-volumes", inputs: { ...selection.inputs, protectedResourceArns: ["*"] } };
    result = checkWithProvider({ ...prod, stack: "both", resources: [...prefixed(prod), ...prefixed(dev), before] });
  }, 60000);

  it("refuses the restore-testing selection the stack had (ARNs and conditions together) and nothing of prod or dev", () => {
    expect(result.errors).toEqual([
      { resource: "before-restore-test-volumes", summary: "Invalid Attribute Combination", detail: expect.stringContaining("Exactly one of these attributes must be configured: [protected_resource_arns,protected_resource_conditions]") },
    ]);
    expect(result.checked).toBeGreaterThan(500);
    expect(result.unknownTypes).toEqual([]);
  });

  it("says which inputs this provider version is too old to judge", () => {
    const kinds = [...new Set(result.unjudged.map((u) => u.replace(/^[^.]+\./, "")))].sort();
    expect(kinds).toEqual(["actions[0].jwtValidation", "region", "transforms"]);
  });
});

describe("Pulumi type tokens to Terraform resource types", () => {
  it("mechanical names, and the ones Pulumi renames", () => {
    const known = new Set(["aws_lb_listener_rule", "aws_security_group", "aws_efs_file_system", "aws_cloudwatch_metric_alarm"]);
    expect(terraformTypeOf(TYPE.listenerRule, known)).toBe("aws_lb_listener_rule");
    expect(terraformTypeOf(TYPE.securityGroup, known)).toBe("aws_security_group");
    expect(terraformTypeOf(TYPE.loadBalancer, known)).toBe("aws_lb");
    expect(terraformTypeOf(TYPE.configRecorder, known)).toBe("aws_config_configuration_recorder");
    expect(terraformTypeOf("aws:foo/bar:Bar", known)).toBeUndefined();
  });
});
