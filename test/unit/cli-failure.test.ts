import { describe, expect, it } from "vitest";
import { AuditWriteError } from "../../adapters/aws/audit-errors.js";
import { toWorkflowError } from "../../adapters/aws/aws-errors.js";
import { describeFailure } from "../../cli/cli-failure.js";
import { KirikaeError } from "../../core/errors.js";
import { PlanError } from "../../core/plan/plan-errors.js";
import { accessProblem } from "../../core/readiness/readiness-errors.js";

/** An error as the SDK throws it for an AWS error response. */
function sdkError(name: string, message: string, fault: "client" | "server" = "client") {
  return Object.assign(new Error(message), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: fault === "server" ? 500 : 400, requestId: "req-1" },
  });
}

describe("what a failure says and how the CLI exits", () => {
  it("reads an AWS error an adapter wrapped as what AWS said, not as advice for the control plane's role", () => {
    const wrapped = toWorkflowError(
      sdkError(
        "AccessDeniedException",
        "User: arn:aws:iam::111122223333:user/oncall is not authorized to perform: states:SendTaskSuccess on resource: * because no identity-based policy allows the states:SendTaskSuccess action",
      ),
      {
        action: "states:SendTaskSuccess",
        resource: "arn:aws:states:ap-southeast-1:111122223333:execution:m:e",
      },
    );

    const failure = describeFailure(wrapped);

    expect(failure).toMatchObject({
      code: "AccessDenied",
      exitCode: 3,
      message: "AWS denied states:SendTaskSuccess on * to arn:aws:iam::111122223333:user/oncall",
      requestId: "req-1",
    });
    expect(failure.hint).not.toContain("control plane's role");
  });

  it("keeps the words of a kirikae error that already explains an AWS failure, with the AWS exit status", () => {
    const denied = accessProblem(
      toWorkflowError(sdkError("AccessDeniedException", "denied"), {
        action: "eks:DescribeCluster",
        resource: "ap-southeast-1/shop-singapore",
      }),
    );

    expect(describeFailure(denied)).toMatchObject({
      code: "AccessDenied",
      exitCode: 3,
      message: "access denied: eks:DescribeCluster on ap-southeast-1/shop-singapore",
    });
  });

  it("sees throttling through the retryable error a step would have thrown, and through a failed audit append", () => {
    const throttled = toWorkflowError(sdkError("ThrottlingException", "Rate exceeded"), {
      action: "dynamodb:Query",
      resource: "kirikae-prod-audit",
    });
    const appendDenied = new AuditWriteError("could not append to the audit trail of shop", {
      cause: sdkError("AccessDeniedException", "not authorized to perform: dynamodb:PutItem"),
    });

    expect(describeFailure(throttled)).toMatchObject({ code: "Throttled", exitCode: 3 });
    expect(describeFailure(appendDenied)).toMatchObject({
      code: "AccessDenied",
      exitCode: 3,
      message: "AWS denied dynamodb:PutItem",
    });
  });

  it("says AWS failed to answer for a server fault", () => {
    expect(
      describeFailure(sdkError("InternalFailure", "We encountered an internal error.", "server")),
    ).toMatchObject({
      code: "AwsUnavailable",
      exitCode: 3,
    });
  });

  it("gives a bad plan exit 2, the operation's own failures exit 1, and a bug its own line", () => {
    expect(describeFailure(new PlanError("plans/shop.plan.json is not a valid plan", []))).toMatchObject({
      code: "InvalidPlan",
      exitCode: 2,
    });
    expect(
      describeFailure(new KirikaeError("nothing waits", { action: "see kirikae status" })),
    ).toMatchObject({
      code: "KirikaeError",
      exitCode: 1,
      hint: "see kirikae status",
    });
    expect(describeFailure(new TypeError("x is undefined"))).toMatchObject({
      code: "Unexpected",
      exitCode: 1,
      message: "unexpected error: x is undefined",
    });
  });
});
