import { type AslDefinition, pollLoop } from "./asl.js";
import type { TaskFunctionArns } from "./task-functions.js";
import { acceptance, EXECUTION_TIMEOUT_SECONDS, outcome, switchAndVerify } from "./workflow-states.js";

/**
 * The failback workflow, started by hand: the same steps as failover, in the order that keeps the
 * outage window shortest and never loses data.
 *   1. accept the request ({plan, reason, ticket}) and take the lock; pre-checks on the returning region
 *   2. scale the returning region up first, so capacity waits for traffic and not the other way round
 *   3. planned switchover of the global cluster (never a failover with data loss)
 *   4. switch DNS back once the returning cluster is the writer; verify
 *   5. scale the region being left down to its standby sizes, last
 */
export function failbackDefinition(functions: TaskFunctionArns): AslDefinition {
  return {
    Comment: "kirikae failback: return traffic, writer and capacity to the plan's home region, by switchover",
    StartAt: "Begin",
    TimeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
    States: {
      ...acceptance(functions, "failback", "Scale up returning region"),
      ...pollLoop({
        name: "Scale up returning region",
        resource: functions.scaleNodegroups,
        resultPath: "$.scaling",
        doneName: "Returning region scaled",
        done: { Type: "Pass", Next: "Switch over database" },
        catchTo: "Escalate",
      }),
      ...pollLoop({
        name: "Switch over database",
        resource: functions.promoteDatabase,
        resultPath: "$.promotion",
        doneName: "Database switched over",
        done: { Type: "Pass", Next: "Switch traffic" },
        catchTo: "Escalate",
      }),
      ...switchAndVerify(functions, "Scale down region left"),
      ...pollLoop({
        name: "Scale down region left",
        resource: functions.scaleDownNodegroups,
        resultPath: "$.standbyScaling",
        doneName: "Region left scaled down",
        done: { Type: "Pass", Next: "Record outcome" },
        catchTo: "Escalate",
      }),
      ...outcome(functions),
    },
  };
}
