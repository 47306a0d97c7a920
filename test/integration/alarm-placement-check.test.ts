import { describe, expect, it } from "vitest";
import { awsReadinessDeps } from "../../adapters/aws/readiness-ports.js";
import type { Plan } from "../../core/plan/schema.js";
import { checkReadiness } from "../../core/readiness/check-readiness.js";
import { buildEstate } from "../../sandbox/build-estate.js";
import { clientProvider } from "../../sandbox/sandbox-control-plane.js";
import { testPlan } from "../support/plan-fixtures.js";
import { DETECTOR, ONCALL } from "../support/readiness-sandbox.js";

async function placementFindings(plan: Plan) {
  const built = buildEstate([plan]);
  const deps = awsReadinessDeps(clientProvider(built.estate, ONCALL), built.estate.clock);
  const findings = await checkReadiness(plan, deps, { detectorFunction: DETECTOR });
  return findings.filter((finding) => finding.check === "alarm.placement");
}

describe("kirikae check: trigger alarms an outage could silence", () => {
  it("reports a gap in the standby region when every trigger alarm lives in us-east-1 or the active region", async () => {
    const plan = testPlan((input) => {
      input.triggers.alarms = [
        { name: "shop-tokyo-health", region: "us-east-1" },
        { name: "shop-tokyo-5xx", region: "ap-northeast-1" },
      ];
    });

    const findings = await placementFindings(plan);

    expect(findings).toEqual([
      {
        check: "alarm.placement",
        resource: "triggers.alarms",
        region: "ap-southeast-1",
        ok: false,
        expected: "a trigger alarm that an outage of ap-northeast-1 or us-east-1 leaves running",
        actual:
          "every trigger alarm lives in ap-northeast-1 or us-east-1: an outage there may silence every trigger",
        hint: expect.stringContaining("add a canary alarm evaluated from the standby region ap-southeast-1"),
      },
    ]);
  });

  it("has nothing to report once an alarm is evaluated from the standby region", async () => {
    const plan = testPlan((input) => {
      input.triggers.alarms.push({ name: "shop-tokyo-canary", region: "ap-southeast-1" });
    });

    expect(await placementFindings(plan)).toEqual([]);
  });
});
