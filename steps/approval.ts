import { catchAll, TRANSIENT_RETRY, WAIT_FOR_TASK_TOKEN } from "../stepfunctions/asl.js";
import { pauseCalls } from "./step-call-parts.js";
import type { StepKind } from "./step-kind.js";

/**
 * A person's go-ahead at a point of the plan: the run pauses with the lock held, pages, and resumes when
 * `kirikae approve` answers; a rejection or no answer before the block's timeout escalates (what the
 * blocks before it did stays, as any escalation keeps it). Uses the workflow's approval function.
 */
export const approvalStep: StepKind<"approval"> = {
  kind: "approval",
  role: "check",
  releasesOnFailback: false,
  functions: [],
  states(context) {
    const name = `Approve ${context.block.id}`;
    const finished = `${name}: done`;
    return {
      entry: name,
      states: {
        [name]: {
          Type: "Task",
          Resource: WAIT_FOR_TASK_TOKEN,
          Parameters: {
            FunctionName: context.arn("requestApproval"),
            Payload: {
              question: "block",
              block: context.block.id,
              "request.$": "$.request",
              "execution.$": "$.execution",
              "taskToken.$": "$$.Task.Token",
            },
          },
          TimeoutSeconds: context.block.timeoutMinutes * 60,
          ResultPath: context.resultPath,
          Retry: [TRANSIENT_RETRY],
          ...(context.catchTo ? { Catch: [catchAll(context.catchTo)] } : {}),
          Next: finished,
        },
        [finished]: context.done,
      },
    };
  },
  calls: ({ target }) => ({ calls: pauseCalls(target) }),
  describe: (block) => `ask a person: "${block.question}" (waits up to ${block.timeoutMinutes} min)`,
  modelledSeconds: () => 0,
};
