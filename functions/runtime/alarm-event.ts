import { z } from "zod";

/**
 * The EventBridge "CloudWatch Alarm State Change" event, as delivered for metric alarms in any region and
 * for alarms on Route 53 health checks (those live in us-east-1 and are forwarded to the control plane).
 */
export const alarmStateChangeEventSchema = z.looseObject({
  "detail-type": z.literal("CloudWatch Alarm State Change"),
  source: z.literal("aws.cloudwatch"),
  region: z.string().min(1),
  time: z.string().min(1),
  detail: z.looseObject({
    alarmName: z.string().min(1),
    state: z.looseObject({
      value: z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]),
      // CloudWatch writes "2019-10-02T17:04:40.985+0000"; ISO 8601 (and the workflow's input) wants "+00:00".
      timestamp: z
        .string()
        .min(1)
        .transform((value) => value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"))
        .pipe(z.iso.datetime({ offset: true }))
        .transform((value) => new Date(value).toISOString()),
    }),
  }),
});

export type AlarmStateChangeEvent = z.infer<typeof alarmStateChangeEventSchema>;
