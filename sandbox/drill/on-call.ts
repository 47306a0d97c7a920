import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { StepFunctionsCallbacks } from "../../adapters/aws/step-functions-callbacks.js";
import { decideApproval } from "../../core/approval/decide-approval.js";
import { accountOf } from "../build-estate.js";
import { sandboxClients } from "../sandbox-clients.js";
import { clientProvider } from "../sandbox-control-plane.js";
import type { ScenarioContext } from "./scenarios.js";

/** How long the drill's on-call engineer waits, after the region recovers, before failing back. */
const FAILBACK_AFTER_MS = 10 * 60_000;
/** How long the drill's on-call engineer takes to review a failover the plan wants approved. */
const APPROVAL_REVIEW_MS = 2 * 60_000;
/** How often the on-call engineer looks for the page while waiting for it. */
const PAGE_CHECK_MS = 30_000;

function oncallEngineer(context: Pick<ScenarioContext, "plan">): string {
  return `arn:aws:iam::${accountOf(context.plan)}:user/oncall-engineer`;
}

/** The on-call engineer answers the paused question as `kirikae approve` does, under their own identity. */
export async function answerAsOnCall(
  context: ScenarioContext,
  answer: { approve: boolean; reason: string },
): Promise<void> {
  const { built, plan, controlPlane } = context;
  const clock = built.estate.clock;
  const approver = oncallEngineer(context);
  const operator = clientProvider(built.estate, approver);
  await clock.busy(() =>
    decideApproval(
      {
        state: controlPlane.state,
        audit: controlPlane.audit,
        clock,
        callbacks: (executionId) => new StepFunctionsCallbacks(operator, controlPlane.region, executionId),
        approver,
      },
      { plan: plan.name, ...answer },
    ),
  );
}

/**
 * The failover of a plan in approval mode pauses after its pre-checks: the on-call engineer is paged,
 * reviews, and approves as `kirikae approve` does, under their own IAM identity.
 */
export async function approveWhenAsked(context: ScenarioContext): Promise<void> {
  const { built, plan, controlPlane } = context;
  const clock = built.estate.clock;
  const deadline = clock.now().getTime() + plan.timeouts.rollbackAfterMinutes * 60_000;
  while (!(await clock.busy(() => controlPlane.state.get(plan.name))).pendingApproval) {
    if (clock.now().getTime() > deadline) return;
    await clock.sleep(PAGE_CHECK_MS);
  }
  await clock.sleep(APPROVAL_REVIEW_MS);
  context.note(`oncall-engineer approves: kirikae approve --plan ${plan.name}`);
  await answerAsOnCall(context, { approve: true, reason: "drill: signal reviewed, standby ready" });
}

async function startByHand(context: ScenarioContext, stateMachineArn: string, kind: string, reason: string) {
  const { built, plan, controlPlane } = context;
  const operator = sandboxClients(built.estate, controlPlane.region, oncallEngineer(context));
  await operator.sfn.send(
    new StartExecutionCommand({
      stateMachineArn,
      name: `${plan.name}-${kind}-drill`,
      input: JSON.stringify({ plan: plan.name, reason, ticket: "DRILL-1" }),
    }),
  );
}

/** Fencing runs on this schedule in a deployed stage (infra/function-catalog.ts, fenceReturnedRegions). */
export const FENCE_EVERY_MS = 5 * 60_000;

/**
 * The fencing schedule, as EventBridge runs it every 5 minutes: each run acts only once a failover has
 * ended (before that the plan's state gives it nothing to do). Stopped when a failback starts, or when the
 * drill ends, so no run lands among the drill's own bookkeeping.
 */
export function fenceOnSchedule(context: Pick<ScenarioContext, "built" | "controlPlane" | "note">): {
  stop(): Promise<void>;
} {
  const { built, controlPlane } = context;
  const clock = built.estate.clock;
  const abort = new AbortController();
  const failedOver = () =>
    built.models.sfn
      .all()
      .some(
        (execution) => !execution.stateMachineArn.endsWith("-failback") && execution.status !== "RUNNING",
      );
  const running = (async () => {
    for (;;) {
      await clock.sleep(FENCE_EVERY_MS, abort.signal);
      if (abort.signal.aborted) return;
      if (!failedOver()) continue;
      // A failed run is the schedule's to retry, five minutes later, as Lambda's would be.
      const results = await controlPlane.fence().catch(() => []);
      for (const result of results) {
        if (result.outcome === "fenced") {
          context.note(
            `kirikae fences ${result.region}: nodegroups at standby size; its gate stays closed until a failback`,
          );
        }
      }
    }
  })();
  return {
    stop: async () => {
      abort.abort();
      await running;
    },
  };
}

/**
 * The incident is over: faults clear, the old region answers again, and a person starts the failback
 * from the console with the documented input, as their own IAM identity. `beforeStart` runs just before
 * (the drill stops its fencing schedule there: a failback owns the region it returns to).
 */
export async function failBack(
  context: ScenarioContext,
  stateMachineArn: string,
  beforeStart: () => Promise<void> = async () => undefined,
): Promise<boolean> {
  const { built, plan } = context;
  const [failover] = built.models.sfn.all();
  if (failover?.status !== "SUCCEEDED") return false;
  built.estate.removeFaults();
  for (const record of plan.dns.records) {
    for (const target of Object.values(record.targets)) {
      if (target.healthCheckId !== undefined)
        built.models.route53.setEndpointHealth(target.healthCheckId, true);
    }
  }
  context.note(`${plan.activeRegion} answers again and its application is healthy; faults cleared`);
  await built.estate.clock.sleep(FAILBACK_AFTER_MS);
  await beforeStart();
  context.note("oncall-engineer starts the failback from the console");
  await startByHand(context, stateMachineArn, "failback", "drill: the region has recovered");
  await built.models.sfn.settled();
  return true;
}
