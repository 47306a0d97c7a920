import { auditTrail, call } from "../core/workflow/step-calls.js";
import { createRunCustomStepHandler } from "../functions/run-custom-step.js";
import { allow } from "../infra/grants.js";
import { seedLambdaBlock } from "../sandbox/seed-lambda-block.js";
import { pollingStates } from "./polling-states.js";
import type { StepKind } from "./step-kind.js";

/**
 * A plan's own Lambda (core/blocks/custom-step-contract.ts): invoked in the region being activated,
 * polled while it answers "pending", its final answer checked against the block's expectedResult. A
 * mismatch escalates and names the fields; kirikae does not undo what the function did (it cannot know
 * how), and the escalation's notification says which step ran.
 *
 * lambda:InvokeFunction authorises on the function (Service Authorization Reference, "Actions, resources,
 * and condition keys for AWS Lambda"), so exactly the plans' functions are named, with any qualifier.
 */
export const lambdaStep: StepKind<"lambda"> = {
  kind: "lambda",
  role: "check",
  releasesOnFailback: false,
  functions: [
    {
      key: "runCustomStep",
      handler: "functions/run-custom-step.handler",
      create: createRunCustomStepHandler,
      access: ["audit.append"],
      statements: ({ plans }) => {
        const functions = plans.flatMap((plan) =>
          plan.recovery.blocks.flatMap((block) =>
            block.kind !== "lambda"
              ? []
              : typeof block.functionArn === "string"
                ? [block.functionArn]
                : Object.values(block.functionArn),
          ),
        );
        if (functions.length === 0) return [];
        const unqualified = [...new Set(functions.map((arn) => arn.split(":").slice(0, 7).join(":")))];
        return [
          allow(
            "InvokePlanCustomSteps",
            ["lambda:InvokeFunction"],
            [...unqualified, ...unqualified.map((arn) => `${arn}:*`)],
          ),
        ];
      },
      description: "Runs a plan's custom Lambda step and checks its result",
    },
  ],
  seed: (block, plan, sandbox) => seedLambdaBlock(block, plan, sandbox),
  states: (context) => pollingStates(context, "Run", "runCustomStep"),
  calls: ({ block, target }) => {
    const arn = typeof block.functionArn === "string" ? block.functionArn : (block.functionArn[target] ?? "");
    return {
      calls: [
        call(
          "lambda:Invoke",
          arn.split(":")[3] ?? target,
          true,
          "the plan's function (IAM: lambda:InvokeFunction), again each time it answers pending; what it calls is its own",
        ),
        ...auditTrail(target),
      ],
    };
  },
  describe: (block) =>
    `run Lambda ${typeof block.functionArn === "string" ? block.functionArn : "of the region being activated"}${block.expectedResult ? `, expecting ${JSON.stringify(block.expectedResult)}` : ""}`,
  // The function's own time is the estate's: the sandbox models its APIs, not this figure.
  modelledSeconds: () => 0,
};
