import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { WorkflowKind } from "../../core/ports/plan-state.js";
import type { StartedWorkflow, WorkflowStarterPort } from "../../core/ports/workflows.js";
import { AwsCallError } from "../../core/workflow/workflow-errors.js";
import { callAws, requestIdOf } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/** Starts executions of the state machines deployed in the control plane's own region. */
export class StepFunctionsStarter implements WorkflowStarterPort {
  constructor(
    private readonly clients: ClientProvider,
    readonly region: string,
    private readonly stateMachineArns: Record<WorkflowKind, string>,
  ) {}

  async start(kind: WorkflowKind, executionName: string, input: unknown): Promise<StartedWorkflow> {
    const stateMachineArn = this.stateMachineArns[kind];
    try {
      const output = await callAws({ action: "states:StartExecution", resource: stateMachineArn }, () =>
        this.clients
          .forRegion(this.region)
          .sfn.send(
            new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }),
          ),
      );
      return { executionArn: output.executionArn ?? "", requestId: requestIdOf(output) };
    } catch (error) {
      // A retried start whose first attempt went through: the name makes it the same execution.
      if (error instanceof AwsCallError && error.awsErrorName === "ExecutionAlreadyExists") {
        return {
          executionArn: `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${executionName}`,
          requestId: error.requestId ?? "unknown",
        };
      }
      throw error;
    }
  }
}
