import { describe, expect, it } from "vitest";
import type { Plan } from "../../core/plan/schema.js";
import { validatePlan } from "../../core/plan/validate-plan.js";
import { stateTableResource, strongConsistencyProblem } from "../../infra/tables.js";
import { deployedPlans, SINGAPORE, TOKYO, VIRGINIA } from "./support/deployed-plans.js";
import { mockDeploy, STAGE, TABLE } from "./support/mock-deploy.js";

const OHIO = "us-east-2";
const OREGON = "us-west-2";

/** The shop plan moved to Ohio (active) and Oregon: two regions of one MRSC region set. */
async function shopInTheUs(): Promise<Plan> {
  const { shop } = await deployedPlans();
  const text = JSON.stringify(shop).replaceAll(TOKYO, OHIO).replaceAll(SINGAPORE, OREGON);
  const result = validatePlan(JSON.parse(text));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.plan;
}

describe("the state table's consistency across regions", () => {
  it("accepts strong consistency only for two regions and a witness within one of AWS's region sets", () => {
    expect(strongConsistencyProblem([OHIO, OREGON], VIRGINIA)).toBeUndefined();
    expect(strongConsistencyProblem([TOKYO, "ap-northeast-3"], "ap-northeast-2")).toBeUndefined();
    expect(strongConsistencyProblem([TOKYO, SINGAPORE], "ap-northeast-3")).toMatch(/not all in one of AWS's/);
    expect(strongConsistencyProblem([OHIO, OREGON, VIRGINIA], "us-west-1")).toMatch(
      /exactly two control-plane regions/,
    );
    expect(strongConsistencyProblem([OHIO, OREGON], OREGON)).toMatch(/must not host a replica/);
  });

  it("refuses, before creating anything, a home region that hosts no control plane", () => {
    const nothing = () => {
      throw new Error("no provider should be asked for");
    };

    expect(() =>
      stateTableResource({
        stage: STAGE,
        homeRegion: VIRGINIA,
        regions: [TOKYO, SINGAPORE],
        consistency: { mode: "eventual" },
        providers: nothing,
      }),
    ).toThrow(/home region us-east-1 hosts no control plane/);
  });

  it("deploys a multi-Region strongly consistent state table, with its witness, when asked", async () => {
    const deploy = await mockDeploy([await shopInTheUs()], {
      stateConsistency: { mode: "strong", witnessRegion: VIRGINIA },
    });

    const state = deploy.one(TABLE, (table) => table.inputs.name === `kirikae-${STAGE}-state`);
    expect(state.region).toBe(OHIO);
    expect(state.inputs.replicas).toEqual([
      {
        regionName: OREGON,
        pointInTimeRecovery: true,
        deletionProtectionEnabled: true,
        propagateTags: true,
        consistencyMode: "STRONG",
      },
    ]);
    expect(state.inputs.globalTableWitness).toEqual({ regionName: VIRGINIA });
  });
});
