import type { CommanderError } from "commander";
import { AuditWriteError } from "../adapters/aws/audit-errors.js";
import { KirikaeError } from "../core/errors.js";
import { PlanError } from "../core/plan/plan-errors.js";
import type { PlanIssue } from "../core/plan/plan-rules.js";
import { WorkflowError } from "../core/workflow/workflow-errors.js";
import { awsFailureOf, type CliFailure } from "./aws-failures.js";
import { EXIT } from "./exit-codes.js";
import { CliUsageError } from "./usage-error.js";

/** A failure, with the plan's issues when a plan file was what failed. */
export interface DescribedFailure extends CliFailure {
  issues?: readonly PlanIssue[];
}

/**
 * The one place any error a command throws becomes what a person reads and the status the command exits
 * with (cli/exit-codes.ts):
 *   - a bad plan file or command line: exit 2, with what to fix
 *   - AWS that cannot be asked (credentials, permission, network, throttling): exit 3, one line from
 *     cli/aws-failures.ts; a kirikae error that already explains such a failure keeps its own words
 *   - a stage or execution that is not where the person looked: exit 2
 *   - any other kirikae error: the operation failed, exit 1, with its action
 *   - anything else is a bug: exit 1, "unexpected error", and the stack with --debug
 */
export function describeFailure(error: unknown, options: { profile?: string } = {}): DescribedFailure {
  if (error instanceof PlanError) {
    return {
      code: "InvalidPlan",
      message: error.message,
      hint: error.action ?? "fix the plan file: `kirikae plan validate FILE` lists every problem with a hint",
      exitCode: EXIT.usage,
      issues: error.issues,
    };
  }
  if (error instanceof CliUsageError) {
    return { code: "Usage", message: error.message, hint: error.action ?? "", exitCode: EXIT.usage };
  }
  const aws = awsFailureOf(error, options);
  // The kirikae errors that explain an AWS failure for a person (check's access errors, the digests'
  // auditor policy) say it better than a generic line; a workflow step's error speaks to the control
  // plane's role ("grant X to the control plane's role"), which would send a person the wrong way.
  if (error instanceof KirikaeError && !speaksToTheControlPlane(error) && error.action) {
    return {
      code: aws?.code ?? error.name,
      message: error.message,
      hint: error.action,
      exitCode: aws?.exitCode ?? EXIT.failed,
      ...(error.requestId
        ? { requestId: error.requestId }
        : aws?.requestId
          ? { requestId: aws.requestId }
          : {}),
    };
  }
  if (aws) return aws;
  if (error instanceof KirikaeError) {
    return {
      code: error.name,
      message: error.message,
      hint: error.action ?? "",
      exitCode: EXIT.failed,
      ...(error.requestId ? { requestId: error.requestId } : {}),
    };
  }
  return {
    code: "Unexpected",
    message: `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    hint: "run again with --debug to see where it happened, and report it with that output",
    exitCode: EXIT.failed,
  };
}

/** Errors whose action is advice for kirikae's own function roles, not for a person at the CLI. */
function speaksToTheControlPlane(error: KirikaeError): boolean {
  return error instanceof WorkflowError || error instanceof AuditWriteError;
}

/** Commander's own failures: an unknown option, a missing argument, a bad choice. Help and --version are not failures. */
export function commanderFailure(error: CommanderError): DescribedFailure | undefined {
  if (error.exitCode === 0) return undefined;
  return {
    code: "Usage",
    message: error.message.replace(/^error: /, ""),
    hint: "see `kirikae --help`, or the command's own --help",
    exitCode: EXIT.usage,
  };
}
