import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Severity } from "../config/schema";
import { alarmDescription, alarmName, metricOf, type AlarmSpec } from "../decisions/alarms";
import { dimensionsFor, type ScopeValues } from "../decisions/metrics";
import { PAUSED_TAG } from "../decisions/scaling";
import { childName, TAG } from "../decisions/names";

/** Set on a paused server's service and alarms: the pack and mcp-ops read it. */

export interface AlarmContext {
  stack: string;
  owner: string;
  scope: ScopeValues<pulumi.Input<string>>;
  topics: Record<Severity, aws.sns.Topic>;
  parent: pulumi.Resource;
  /** A paused server's alarms keep their state but notify no one (actions disabled). */
  paused?: boolean;
}

/** One CloudWatch alarm from its spec, notifying (and clearing on) the topic of its severity. */
export function createAlarm(spec: AlarmSpec, ctx: AlarmContext, opts?: pulumi.CustomResourceOptions): aws.cloudwatch.MetricAlarm {
  const topic = ctx.topics[spec.severity].arn;
  const common = {
    name: alarmName(ctx.stack, ctx.owner, spec.key),
    alarmDescription: alarmDescription(spec),
    comparisonOperator: spec.comparison,
    threshold: spec.threshold,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    treatMissingData: spec.treatMissingData,
    alarmActions: [topic],
    okActions: [topic],
    actionsEnabled: !ctx.paused,
    tags: { severity: spec.severity, [TAG.server]: ctx.owner, ...(ctx.paused ? { [PAUSED_TAG]: "true" } : {}) },
  };
  const stat = (s: { stat: string }) => (/^p\d/.test(s.stat) ? { extendedStatistic: s.stat } : { statistic: s.stat });
  const args: aws.cloudwatch.MetricAlarmArgs = spec.metric
    ? {
        ...common,
        namespace: metricOf(spec.metric).namespace,
        metricName: metricOf(spec.metric).name,
        dimensions: dimensionsFor(spec.scope, ctx.scope),
        period: spec.period,
        unit: metricOf(spec.metric).unit,
        ...stat(spec.metric),
      }
    : {
        ...common,
        metricQueries: [
          { id: "rate", expression: spec.expression.expression, label: spec.expression.label, returnData: true },
          ...Object.entries(spec.expression.inputs).map(([id, input]) => ({
            id,
            returnData: false,
            metric: {
              namespace: metricOf(input).namespace,
              metricName: metricOf(input).name,
              dimensions: dimensionsFor(metricOf(input).scope, ctx.scope),
              period: spec.period,
              stat: input.stat,
            },
          })),
        ],
      };
  return new aws.cloudwatch.MetricAlarm(childName.alarm(ctx.owner, spec.key), args, { parent: ctx.parent, ...opts });
}
