import type { Plan } from "../core/plan/schema.js";
import type { AslDefinition } from "./asl.js";
import { recoveryStates } from "./recovery-graph.js";
import type { TaskFunctionArns } from "./task-functions.js";
import { acceptance, EXECUTION_TIMEOUT_SECONDS, outcome, verification } from "./workflow-states.js";

/**
 * The failback workflow, started by hand: the plan's blocks in the returning direction, in the order
 * that keeps the outage window shortest and never loses data.
 *   1. accept the request ({plan, reason, ticket}) and take the lock; pre-checks on the returning region
 *   2. the blocks (stepfunctions/recovery-graph.ts): capacity in the returning region first, then the
 *      databases by planned switchover (never a failover with data loss), then traffic once the
 *      returning cluster is the writer
 *   3. verify, then release the region being left: its capacity back to standby sizes, last
 */
export function failbackDefinition(functions: TaskFunctionArns, plan: Plan): AslDefinition {
  const release = recoveryStates({
    plan,
    direction: "failback",
    phase: "release",
    functions,
    next: "Record outcome",
    escalate: "Escalate",
  });
  const recovery = recoveryStates({
    plan,
    direction: "failback",
    phase: "activate",
    functions,
    next: "Verify recovery",
    escalate: "Escalate",
  });
  return {
    Comment: "kirikae failback: return traffic, writer and capacity to the plan's home region, by switchover",
    StartAt: "Begin",
    TimeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
    States: {
      ...acceptance(functions, "failback", plan.name, recovery.entry),
      ...recovery.states,
      ...verification(functions, release.entry),
      ...release.states,
      ...outcome(functions),
    },
  };
}
