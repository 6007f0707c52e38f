import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { resourcesOfType, stackOfUrn, ruleConfig, PROD_STACKS } from "./support";
import { TYPE } from "../../decisions/resourceTypes";

/** A WAF statement built only from IP sets: the one kind of match a caller cannot choose for themselves. */
function onlyIpSets(statement: any): boolean {
  if (statement?.ipSetReferenceStatement) return true;
  const nested = statement?.orStatement?.statements ?? statement?.andStatement?.statements;
  return Array.isArray(nested) && nested.length > 0 && nested.every(onlyIpSets);
}

/** ELB security policies that allow nothing older than TLS 1.2. */
const TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;

const albDeletionProtectionConfig = ruleConfig({ stacks: PROD_STACKS });

export const albPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  {
    name: "alb-http-redirects-to-https",
    description: "When a load balancer serves HTTPS (a domain is set), its HTTP listeners only redirect to HTTPS. Security Hub ELB.1.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
      const listeners = resourcesOfType(args.resources, TYPE.listener);
      if (!listeners.some((l) => l.props.protocol === "HTTPS")) return;
      for (const l of listeners.filter((l) => l.props.protocol === "HTTP")) {
        const actions: any[] = l.props.defaultActions ?? [];
        if (!(actions.length === 1 && actions[0].type === "redirect" && actions[0].redirect?.protocol === "HTTPS")) {
          reportViolation(`${l.name}: serves plain HTTP next to an HTTPS listener; make its only default action a redirect to HTTPS (301).`, l.urn);
        }
      }
    },
  },
  {
    name: "alb-drop-invalid-headers",
    description: "Application load balancers drop HTTP headers with invalid names. Security Hub ELB.4.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.lb.LoadBalancer, (lb, args, reportViolation) => {
      if (lb.loadBalancerType !== "network" && !lb.dropInvalidHeaderFields) reportViolation(`${args.name}: forwards headers with invalid names; set dropInvalidHeaderFields: true.`);
    }),
  },
  {
    name: "alb-access-logs",
    description: "Load balancers write access logs to S3. Security Hub ELB.5.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.lb.LoadBalancer, (lb, args, reportViolation) => {
      if (!lb.accessLogs?.enabled || !lb.accessLogs.bucket) reportViolation(`${args.name}: writes no access logs; set accessLogs: { bucket, enabled: true } (an S3 bucket with SSE-S3 the ELB log delivery may write to).`);
    }),
  },
  {
    name: "alb-deletion-protection",
    description: "Load balancers of production stacks have deletion protection. Security Hub ELB.6.",
    enforcementLevel: "mandatory",
    configSchema: albDeletionProtectionConfig.configSchema,
    validateResource: validateResourceOfType(aws.lb.LoadBalancer, (lb, args, reportViolation) => {
      const { stacks } = albDeletionProtectionConfig.read(args);
      if (stacks.includes(stackOfUrn(args.urn)) && !lb.enableDeletionProtection) {
        reportViolation(`${args.name}: has no deletion protection in stack ${stackOfUrn(args.urn)}; set enableDeletionProtection: true.`);
      }
    }),
  },
  {
    name: "alb-desync-mitigation",
    description: "Application load balancers mitigate HTTP desync in defensive or strictest mode. Security Hub ELB.12.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.lb.LoadBalancer, (lb, args, reportViolation) => {
      const mode = lb.desyncMitigationMode ?? "defensive";
      if (lb.loadBalancerType !== "network" && !["defensive", "strictest"].includes(mode)) {
        reportViolation(`${args.name}: desync mitigation is ${mode}; set desyncMitigationMode to defensive or strictest.`);
      }
    }),
  },
  {
    name: "alb-multi-az",
    description: "Load balancers span at least two Availability Zones. Security Hub ELB.13.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.lb.LoadBalancer, (lb, args, reportViolation) => {
      const zones = (lb.subnets ?? []).length + (lb.subnetMappings ?? []).length;
      if (zones < 2) reportViolation(`${args.name}: is in ${zones} subnet(s); give it subnets in at least two Availability Zones.`);
    }),
  },
  {
    name: "alb-tls-policy",
    description: "HTTPS listeners accept TLS 1.2 or newer only. Security Hub ELB.17.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.lb.Listener, (listener, args, reportViolation) => {
      if (listener.protocol === "HTTPS" && !TLS12_POLICY.test(listener.sslPolicy ?? "")) {
        reportViolation(`${args.name}: TLS policy ${listener.sslPolicy ?? "(default)"} allows TLS older than 1.2; use ELBSecurityPolicy-TLS13-1-2-2021-06.`);
      }
    }),
  },
  {
    name: "alb-target-group-health-check",
    description: "Target groups define a health check with a path, so the load balancer stops routing to broken tasks.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.lb.TargetGroup, (tg, args, reportViolation) => {
      const hc = tg.healthCheck;
      if (!hc || hc.enabled === false || ((tg.protocol ?? "HTTP").startsWith("HTTP") && !hc.path)) {
        reportViolation(`${args.name}: has no health check; set healthCheck: { enabled: true, path: /health }.`);
      }
    }),
  },
  {
    name: "alb-waf-associated",
    description: "Every internet-facing application load balancer has a WAF web ACL associated.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
      const associations = resourcesOfType(args.resources, TYPE.webAclAssociation);
      for (const lb of resourcesOfType(args.resources, TYPE.loadBalancer)) {
        if (lb.props.internal || lb.props.loadBalancerType === "network") continue;
        const protectedByWaf = associations.some((a) => (a.propertyDependencies.resourceArn ?? a.dependencies).some((d) => d.urn === lb.urn));
        if (!protectedByWaf) reportViolation(`${lb.name}: is internet-facing without a WAF web ACL; associate one (aws.wafv2.WebAclAssociation with resourceArn: the load balancer's ARN).`, lb.urn);
      }
    },
  },
  {
    name: "waf-no-allow-by-request-content",
    description: "No WAF rule allows a request by what the caller sends (path, headers, body): Allow is terminating and would skip every later rule.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.wafv2.WebAcl, (acl, args, reportViolation) => {
      for (const rule of (acl.rules ?? []) as any[]) {
        if (rule.action?.allow && !onlyIpSets(rule.statement)) {
          reportViolation(`${args.name}: rule ${rule.name} allows requests by their content, so any caller who sends it skips the rate limits and managed rules; remove it or match only IP sets.`);
        }
      }
    }),
  },
  {
    name: "alb-reaches-token-issuer",
    description: "A load balancer that validates bearer tokens can reach the issuer's JWKS endpoint over HTTPS (its security group has 443 egress).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
      const validating = resourcesOfType(args.resources, TYPE.listenerRule).filter((r) => (r.props.actions ?? []).some((a: any) => a.type === "jwt-validation"));
      if (validating.length === 0) return;
      const egress = resourcesOfType(args.resources, TYPE.egressRule).filter(
        (r) => (r.props.ipProtocol === "-1" || (r.props.ipProtocol === "tcp" && r.props.fromPort <= 443 && r.props.toPort >= 443)) && (r.props.cidrIpv4 === "0.0.0.0/0" || r.props.prefixListId),
      );
      for (const lb of resourcesOfType(args.resources, TYPE.loadBalancer)) {
        const groups = (lb.propertyDependencies.securityGroups ?? []).map((g) => g.urn);
        const reaches = egress.some((r) => (r.propertyDependencies.securityGroupId ?? []).some((g) => groups.includes(g.urn)));
        if (!reaches) reportViolation(`${lb.name}: validates bearer tokens but its security group has no HTTPS egress, so it cannot fetch the issuer's signing keys and every request fails; add an egress rule for tcp 443.`, lb.urn);
      }
    },
  },
];
