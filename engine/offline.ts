import * as pulumi from "@pulumi/pulumi";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { createMocks } from "./mocks";

export const PROJECT = "mcp-stack";
import { PROJECT_DIR } from "../project";
import { readRawStackConfig, readStackFile, stackFilePath, toConfigMap, type StackConfigMap } from "../config/stackFile";

export { PROJECT_DIR, readRawStackConfig, readStackFile, stackFilePath, toConfigMap, type StackConfigMap };

/** One resource the program would register, as the engine saw it. */
export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** Logical name of the parent resource; undefined for children of the stack itself. */
  parent?: string;
  parentType?: string;
  custom: boolean;
  inputs: Record<string, any>;
  options: { protect: boolean; retainOnDelete: boolean; ignoreChanges: string[]; dependsOn: string[]; deleteBeforeReplace: boolean };
  /** Per input property, the resources its value came from (names), as Pulumi hands them to stack policies. */
  propertyDependencies: Record<string, string[]>;
}

export interface Plan {
  stack: string;
  region: string;
  resources: PlannedResource[];
  outputs: Record<string, any>;
  millis: number;
  /** Offline digest → the image reference it stands for (tags the program resolves to digests at deploy time). */
  resolvedImages?: Record<string, string>;
}

/** Set, offline plans keep stack traces: for debugging the program itself. */
const STACK_TRACES = "MCP_STACK_TRACES";

/**
 * Pulumi records a stack trace for every promise it creates (its leak diagnostics, runtime/debuggable.js), and
 * formatting them is three quarters of an offline plan's time (prod: 1.2 s → 0.3 s without). Nothing offline reads
 * them, so a plan runs without frames unless MCP_STACK_TRACES is set.
 */
async function withoutStackTraces<T>(run: () => Promise<T>): Promise<T> {
  if (process.env[STACK_TRACES]) return run();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return await run();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The program failed (an invalid config, a bug): what was registered before it did comes along. */
export class OfflineRunError extends Error {
  constructor(
    readonly cause: unknown,
    readonly resources: PlannedResource[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "OfflineRunError";
    // A config error (a RunError, as pulumi up tells them apart) says it all; anything else is a bug of the program,
    // and its frames are kept only on request (withoutStackTraces).
    const bug = !pulumi.RunError.isInstance(cause);
    if (bug && !process.env[STACK_TRACES]) this.message += `\n(set ${STACK_TRACES}=1 and plan again for the stack trace)`;
    else if (bug && cause instanceof Error && cause.stack) this.message += `\n${cause.stack}`;
  }
}

export interface OfflineOptions {
  /** The stack's outputs from its last deploy (`pulumi stack output --json --show-secrets`); none means a first deploy. */
  deployedOutputs?: Record<string, unknown>;
}

/**
 * Runs the program of index.ts under Pulumi's mocks with the given config and returns what it would create. The Pulumi
 * runtime's mocks, config and stack are process-wide (setMocks, setAllConfig): two plans started together in one process
 * would mix their resources, so they run one after the other.
 */
let previous: Promise<unknown> = Promise.resolve();
export function runOffline(stack: string, config: StackConfigMap, options: OfflineOptions = {}): Promise<Plan> {
  const run = previous.then(() => withoutStackTraces(() => runAlone(stack, config, options)));
  previous = run.catch(() => undefined);
  return run;
}

async function runAlone(stack: string, config: StackConfigMap, options: OfflineOptions): Promise<Plan> {
  const started = performance.now();
  const region = config.values["aws:region"] ?? "us-east-1";
  // "organization" is what Pulumi names the org of self-managed backends; the program reads its own stack by org/project/stack.
  const resolvedImages = new Map<string, string>();
  await pulumi.runtime.setMocks(createMocks(region, options.deployedOutputs ?? {}, resolvedImages), PROJECT, stack, false, "organization");
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  const resources = recordRegistrations();
  const stackOutputs = recordStackOutputs();
  // Imported after setMocks, as under `pulumi up` the program runs after the runtime is set up.
  const { program } = await import("../program");
  // The init never throws: a throw inside Pulumi's Stack rejects promises nobody observes.
  let failure: { error: unknown } | undefined;
  const returned =
    (await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return await program();
      } catch (error) {
        failure = { error };
        return {};
      }
    })) ?? {};
  await drainRpcs();
  // The stack's outputs as the engine would store them, secrets masked; what the program returned otherwise.
  const outputs = stackOutputs.value ?? returned;
  const registered = resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  if (failure) throw new OfflineRunError(failure.error, registered);
  return { stack, region, resources: registered, outputs, millis: performance.now() - started, resolvedImages: Object.fromEntries(resolvedImages) };
}

/** Plans `Pulumi.<stack>.yaml` of the project (or another stack file). */
export function planStack(stack: string, stackFile = stackFilePath(stack), options: OfflineOptions = {}): Promise<Plan> {
  return runOffline(stack, readStackFile(stackFile), options);
}

/**
 * Waits until the runtime has sent everything (the stack's outputs arrive after its promise
 * resolves), so that a following run's mocks never receive this run's calls.
 */
async function drainRpcs(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (!runtime.waitForRPCs) throw new Error("@pulumi/pulumi no longer exports runtime.waitForRPCs; update engine/offline.ts");
  await runtime.waitForRPCs();
}

const nameOfUrn = (urn: string) => urn.split("::").pop()!;
const typeOfUrn = (urn: string) => urn.split("::")[2]?.split("$").pop();

/** What every plan output shows in place of a secret input (a secret value, a registry password …). */
export const SECRET_INPUT = "[secret]";

/** Secret values arrive wrapped with Pulumi's secret signature: they are recorded as SECRET_INPUT, never in clear. */
function maskSecrets(value: unknown): any {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return SECRET_INPUT;
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, maskSecrets(v)]));
  }
  return value;
}

/** Wraps the mock monitor to keep the stack's own outputs as they are registered, secret values masked. */
function recordStackOutputs(): { value?: Record<string, any> } {
  const record: { value?: Record<string, any> } = {};
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, callback: (err: unknown, resp: any) => void) => {
    if (typeOfUrn(req.getUrn()) === "pulumi:pulumi:Stack") {
      record.value = pulumi.runtime.deserializeProperties(Struct.fromJavaScript(maskSecrets(req.getOutputs().toJavaScript())));
    }
    return register(req, callback);
  };
  return record;
}

/** Wraps the mock monitor so every registration is recorded with its parent and resource options. */
function recordRegistrations(): PlannedResource[] {
  const records: PlannedResource[] = [];
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) => {
    const parentUrn: string = req.getParent();
    const isStackChild = !parentUrn || typeOfUrn(parentUrn) === "pulumi:pulumi:Stack";
    const record: PlannedResource = {
      urn: "",
      type: req.getType(),
      name: req.getName(),
      parent: isStackChild ? undefined : nameOfUrn(parentUrn),
      parentType: isStackChild ? undefined : typeOfUrn(parentUrn),
      custom: req.getCustom(),
      inputs: pulumi.runtime.deserializeProperties(Struct.fromJavaScript(maskSecrets(req.getObject().toJavaScript()))),
      options: {
        protect: !!req.getProtect(),
        retainOnDelete: !!req.getRetainondelete(),
        ignoreChanges: req.getIgnorechangesList(),
        dependsOn: req.getDependenciesList().map(nameOfUrn),
        deleteBeforeReplace: !!req.getDeletebeforereplace(),
      },
      propertyDependencies: {},
    };
    req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
      record.propertyDependencies[key] = deps.getUrnsList().map(nameOfUrn);
    });
    records.push(record);
    return register(req, (err: unknown, resp: any) => {
      if (!err) record.urn = resp.getUrn();
      callback(err, resp);
    });
  };
  return records;
}
