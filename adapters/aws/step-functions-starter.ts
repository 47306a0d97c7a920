import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { WorkflowKind } from "../../core/ports/plan-state.js";
import type { StartedWorkflow, WorkflowStarterPort } from "../../core/ports/workflows.js";
import { callAws, requestIdOf } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/** Starts executions of the state machines deployed in the control plane's own region. */
export class StepFunctionsStarter implements WorkflowStarterPort {
  constructor(
    private readonly clients: ClientProvider,
    readonly region: string,
    private readonly stateMachineArns: Record<WorkflowKind, string>,
  ) {}

  /**
   * A retried start of a running execution (same name, same input) succeeds with that execution, as
   * Step Functions makes StartExecution idempotent; ExecutionAlreadyExists means the execution of that
   * name already closed, or had other input, and is left to the caller to judge.
   */
  async start(kind: WorkflowKind, executionName: string, input: unknown): Promise<StartedWorkflow> {
    const stateMachineArn = this.stateMachineArns[kind];
    const output = await callAws({ action: "states:StartExecution", resource: stateMachineArn }, () =>
      this.clients
        .forRegion(this.region)
        .sfn.send(
          new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }),
        ),
    );
    return { executionArn: output.executionArn ?? "", requestId: requestIdOf(output) };
  }
}
