import type { CliAws } from "../../cli/cli-aws.js";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import type { Plan } from "../../core/plan/schema.js";
import { functionName } from "../../infra/names.js";
import { type BuiltEstate, buildEstate } from "../../sandbox/build-estate.js";
import { clientProvider, SANDBOX_STAGE } from "../../sandbox/sandbox-control-plane.js";
import { runKirikae } from "./run-kirikae.js";

export const EXAMPLE_PLAN = "examples/tokyo-singapore.plan.json";
/** Who runs `kirikae check` in these tests: a person with read access. */
export const ONCALL = "arn:aws:iam::111122223333:user/oncall";
export const DETECTOR = functionName(SANDBOX_STAGE, "detectAlarm");

/** The Tokyo-Singapore example, and the sandbox estate built from it: ready, as deployed. */
export async function exampleEstate(build: (plan: Plan) => BuiltEstate = (plan) => buildEstate([plan])) {
  const plan = await loadPlanFile(EXAMPLE_PLAN);
  const built = build(plan);
  return { plan, built, clients: clientProvider(built.estate, ONCALL) };
}

/** The AWS a CLI command sees: the sandbox's clients, and nothing else (the check needs no tables). */
export function sandboxAws(built: BuiltEstate, overrides: Partial<CliAws> = {}): CliAws {
  return {
    clients: clientProvider(built.estate, ONCALL),
    documents: () => {
      throw new Error("kirikae check must not read DynamoDB");
    },
    callerIdentity: async () => ONCALL,
    ...overrides,
  };
}

/** Runs `kirikae …` in-process against the sandbox estate, on its virtual clock. */
export function kirikaeAgainst(built: BuiltEstate, argv: string[], aws = sandboxAws(built)) {
  return runKirikae(argv, { aws, clock: built.estate.clock });
}
