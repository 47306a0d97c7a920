import * as aws from "@pulumi/aws";
import { pageOnAnyInAMinute } from "./alarms.js";
import { functionLogGroupName, pascalCase, resourceName } from "./names.js";

/** The metric every region's functions count audit-write failures into, one per stage. */
export const auditGapMetric = { namespace: "Kirikae", name: "AuditWriteErrors" } as const;

/**
 * No silent gaps in the trail: a step that cannot append its record (AuditWriteError, after the
 * adapter's own retries and Step Functions' task retries) fails, and the failure must reach a person.
 * The failure is not lost: Lambda writes the thrown error to the function's log group, and the state
 * machine's execution log (level ALL, with execution data) keeps the task's input and error, which is
 * what the record would have held. What was missing is the page. A metric filter on each function's log
 * group counts those errors ("Creating metrics from log events using filters", CloudWatch Logs user
 * guide: a filter pattern of one term matches log events containing it, whether the runtime's text
 * "Invoke Error" line or a JSON log), and one alarm per region notifies the on-call topic.
 * The term is the error's class name, which KirikaeError subclasses set as `name`, so the runtime logs it
 * as errorType.
 */
export function auditGapAlarms(args: {
  stage: string;
  region: string;
  functions: ReadonlyMap<string, aws.lambda.Function>;
  topicArn: aws.sns.Topic["arn"];
  provider: aws.Provider;
}): aws.cloudwatch.MetricAlarm {
  const { stage, region, functions, topicArn, provider } = args;
  const prefix = pascalCase(region);
  const namespace = `${auditGapMetric.namespace}/${stage}`;
  for (const [key, fn] of functions) {
    new aws.cloudwatch.LogMetricFilter(
      `${prefix}${pascalCase(key)}AuditGapFilter`,
      {
        name: resourceName(stage, `${key}-audit-write-errors`),
        logGroupName: functionLogGroupName(stage, key),
        pattern: '"AuditWriteError"',
        metricTransformation: {
          namespace,
          name: auditGapMetric.name,
          value: "1",
          defaultValue: "0",
        },
      },
      // The log group is created with the function; the filter needs it to exist.
      { provider, dependsOn: [fn] },
    );
  }
  return new aws.cloudwatch.MetricAlarm(
    `${prefix}AuditGapAlarm`,
    {
      name: resourceName(stage, "audit-write-errors"),
      alarmDescription: `kirikae ${stage}: a step could not write its audit record, so the trail of that execution has a gap; the function's log and the execution's history keep what it would have recorded. Fix the audit table's access or capacity, then run \`kirikae audit verify\``,
      namespace,
      metricName: auditGapMetric.name,
      statistic: "Sum",
      ...pageOnAnyInAMinute(topicArn),
    },
    { provider },
  );
}
