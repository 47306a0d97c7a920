import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { WorkflowKind } from "../../core/ports/plan-state.js";
import type { StartedWorkflow, WorkflowStart, WorkflowStarterPort } from "../../core/ports/workflows.js";
import { callAws, requestIdOf } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/** The ARN of a plan's state machine of `kind` in the control plane's region. */
export type StateMachineArnOf = (kind: WorkflowKind, plan: string) => string;

/** Starts executions of the plans' state machines deployed in the control plane's own region. */
export class StepFunctionsStarter implements WorkflowStarterPort {
  constructor(
    private readonly clients: ClientProvider,
    readonly region: string,
    private readonly stateMachineArn: StateMachineArnOf,
  ) {}

  /**
   * A retried start of a running execution (same name, same input) succeeds with that execution, as
   * Step Functions makes StartExecution idempotent; ExecutionAlreadyExists means the execution of that
   * name already closed, or had other input, and is left to the caller to judge.
   */
  async start({ kind, plan, executionName, input }: WorkflowStart): Promise<StartedWorkflow> {
    const stateMachineArn = this.stateMachineArn(kind, plan);
    const output = await callAws({ action: "states:StartExecution", resource: stateMachineArn }, () =>
      this.clients
        .forRegion(this.region)
        .get(SFNClient)
        .send(
          new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }),
        ),
    );
    return { executionArn: output.executionArn ?? "", requestId: requestIdOf(output) };
  }
}
