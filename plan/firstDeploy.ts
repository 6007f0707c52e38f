import type { Plan } from "../engine/offline";
import { mainContainerOf, ofType } from "./readers";
import { TYPE } from "../decisions/resourceTypes";

/**
 * What must be done before the first `pulumi up` of a stack, read back from what the plan would create: placeholders
 * still in the stack file, secrets without a value, subscriptions to confirm, and what the machine and the account
 * need. Each item says what to do.
 */
const PLACEHOLDER_HOST = /(^|\.)example\.(com|org|net)$/;
const ZERO_CERTIFICATE = /certificate\/0{8}-0{4}-0{4}-0{4}-0{12}$/;

/** The image reference as configured: a digest the program resolved at deploy time stands for its tag. */
const configuredImage = (plan: Plan, image = "") => plan.resolvedImages?.[/@(sha256:[0-9a-f]{64})$/.exec(image)?.[1] ?? ""] ?? image;

/** An image reference without a registry host (`neo4j:5.26`, `qdrant/qdrant:…`) is pulled from Docker Hub. */
function isDockerHub(image: string): boolean {
  const parts = image.split("/");
  return image !== "" && (parts.length === 1 || !/[.:]|^localhost$/.test(parts[0]));
}

export function firstDeployChecklist(plan: Plan): string[] {
  const items: string[] = [];
  const hosts = Object.values(plan.outputs.servers ?? {}).flatMap((s: any) => (s.url ? [new URL(s.url).host] : []));
  const placeholderHosts = [...new Set(hosts.filter((h) => PLACEHOLDER_HOST.test(h)))];
  if (placeholderHosts.length) items.push(`Replace the placeholder domain ${placeholderHosts.join(", ")} (mcp-stack:ingress.domain, route hosts) with yours.`);
  for (const listener of ofType(plan, TYPE.listener).filter((l) => ZERO_CERTIFICATE.test(l.inputs.certificateArn ?? ""))) {
    items.push(`Replace the placeholder certificate of ${listener.name} (mcp-stack:ingress.certificateArn) with an issued ACM certificate for the domain, in ${plan.region}.`);
  }
  // Another load balancer's path routes live on <group>.<domain>: the one certificate of every HTTPS listener must name it.
  const groupHosts = Object.values(plan.outputs.servers ?? {}).flatMap((s: any) => (s.url?.startsWith("https://") && s.loadBalancer && s.loadBalancer !== "main" ? [new URL(s.url).host] : []));
  if (groupHosts.length) {
    items.push(`The certificate (mcp-stack:ingress.certificateArn) must also cover ${[...new Set(groupHosts)].sort().join(", ")}, the hosts of the stack's other load balancers (a wildcard *.<domain> does), and their DNS names must point at them (ingress.hostedZoneId creates the records).`);
  }
  const placeholderImages = ofType(plan, TYPE.taskDefinition)
    .map((t) => configuredImage(plan, mainContainerOf(t.inputs).image))
    .filter((image) => /(^|[./])example[./]/.test(image));
  if (placeholderImages.length) items.push(`Replace the placeholder images ${[...new Set(placeholderImages)].sort().join(", ")} (servers.<name>.image) with your registry's, pinned.`);
  const emails = ofType(plan, TYPE.topicSubscription).filter((s) => s.inputs.protocol === "email");
  const placeholderEmails = [...new Set(emails.map((s) => s.inputs.endpoint).filter((e: string) => PLACEHOLDER_HOST.test(e.split("@")[1] ?? "")))];
  if (placeholderEmails.length) items.push(`Replace the placeholder alert addresses ${placeholderEmails.join(", ")} (mcp-stack:alerts.notify).`);
  if (emails.length) items.push(`Confirm the ${emails.length} SNS email subscription(s) from the mail AWS sends to each address after the deploy: unconfirmed ones receive no alarm.`);

  // A secret whose value comes from the config has a version `<secret>-value` (components/secrets.ts).
  const withValue = new Set(ofType(plan, TYPE.secretVersion).map((v) => v.name.replace(/-value$/, "")));
  const secrets = ofType(plan, TYPE.secret).filter((s) => !withValue.has(s.name));
  if (secrets.length) {
    items.push(
      `Give ${secrets.length} secret(s) a value before the servers start: ${secrets.map((s) => s.inputs.name).sort().join(", ")} ` +
        "(pulumi config set --secret --path 'mcp-stack:secretValues.NAME', or aws secretsmanager put-secret-value after the first deploy). " +
        "A task whose secret has no value fails to start and ECS does not retry by itself: once it is set, run mcp-ops restart <server>.",
    );
  }
  if (ofType(plan, TYPE.image).length) {
    items.push("Run pulumi up where Docker with BuildKit is available: the bridged servers' images are built and pushed during the update (never during a preview).");
  }
  const framework = ofType(plan, TYPE.backupFramework).length > 0;
  const recorder = ofType(plan, TYPE.configRecorder).length > 0;
  if (framework && recorder) items.push(`backup.audit: create-recorder adds an AWS Config recorder; AWS allows one per account and region, so if ${plan.region} records already (Control Tower, an organization recorder), set backup.audit: existing-recorder.`);
  if (framework && !recorder) items.push(`backup.audit: existing-recorder needs AWS Config recording in ${plan.region} (the backup, EFS and EBS resource types): check it is on.`);
  const pulled = ofType(plan, TYPE.taskDefinition)
    .map((t) => configuredImage(plan, mainContainerOf(t.inputs).image))
    .filter(isDockerHub);
  if (pulled.length) items.push(`Images from Docker Hub (${[...new Set(pulled)].sort().join(", ")}) are pulled through the NAT address: anonymous pulls are rate limited; mirror them to ECR or give the execution role registry credentials for busy stacks.`);
  return items;
}
