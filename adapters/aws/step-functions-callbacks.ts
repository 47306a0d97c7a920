import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from "@aws-sdk/client-sfn";
import type { MutationReceipt } from "../../core/ports/global-database.js";
import type { TaskCallbackPort } from "../../core/ports/workflows.js";
import { callAws, requestIdOf } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/** Step Functions' task-token callbacks, sent to the control plane's region where the execution runs. */
export class StepFunctionsCallbacks implements TaskCallbackPort {
  constructor(
    private readonly clients: ClientProvider,
    readonly region: string,
    /** The execution the token belongs to: named in errors, since the token itself means nothing to a person. */
    private readonly executionArn: string,
  ) {}

  async succeed(taskToken: string, output: unknown): Promise<MutationReceipt> {
    const response = await callAws({ action: "states:SendTaskSuccess", resource: this.executionArn }, () =>
      this.clients
        .forRegion(this.region)
        .get(SFNClient)
        .send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })),
    );
    return { requestId: requestIdOf(response) };
  }

  async fail(taskToken: string, error: string, cause: string): Promise<MutationReceipt> {
    const response = await callAws({ action: "states:SendTaskFailure", resource: this.executionArn }, () =>
      this.clients
        .forRegion(this.region)
        .get(SFNClient)
        .send(new SendTaskFailureCommand({ taskToken, error, cause: cause.slice(0, 32_000) })),
    );
    return { requestId: requestIdOf(response) };
  }
}
