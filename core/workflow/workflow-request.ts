import { z } from "zod";
import { regionName } from "../plan/schema.js";

const isoTime = z.iso.datetime({ offset: true });

/** Why a workflow runs: an alarm the detector confirmed, or a person (console or CLI). */
export const triggerSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("alarm"),
    alarmName: z.string().min(1),
    alarmRegion: regionName,
    detectedAt: isoTime,
  }),
  z.strictObject({
    type: z.literal("manual"),
    reason: z.string().min(1),
    ticket: z.string().optional(),
    detectedAt: isoTime,
  }),
]);

/** The execution input of the failover and failback state machines. */
export const workflowRequestSchema = z.strictObject({
  plan: z.string().min(1),
  kind: z.enum(["failover", "failback"]),
  sourceRegion: regionName,
  targetRegion: regionName,
  trigger: triggerSchema,
  /**
   * Set by the first step, never trusted from the input: whether a person must approve before anything
   * changes (an alarm-started failover of a plan in approval mode), and how long the workflow waits.
   */
  approval: z.strictObject({ required: z.boolean(), timeoutSeconds: z.number().int().positive() }).optional(),
});

export type WorkflowRequest = z.infer<typeof workflowRequestSchema>;
export type WorkflowTrigger = z.infer<typeof triggerSchema>;

/** Execution facts every task receives, taken from the Step Functions context object. */
export const executionInfoSchema = z.strictObject({
  id: z.string().min(1),
  startedAt: isoTime,
});
export type ExecutionInfo = z.infer<typeof executionInfoSchema>;
