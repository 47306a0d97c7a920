/**
 * A fault of the sandbox's IAM itself, never an answer AWS would give: a call the authorisation table
 * does not know, a policy the evaluator cannot read. It stops the call loudly instead of letting it
 * through, so a new service model or a new kind of policy cannot bypass the check unnoticed.
 */
export class SandboxIamError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SandboxIamError";
  }
}
