import { describe, expect, it } from "vitest";
import { awsReadinessDeps } from "../../adapters/aws/readiness-ports.js";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import { checkReadiness } from "../../core/readiness/check-readiness.js";
import type { Finding } from "../../core/readiness/finding.js";
import { functionPolicy } from "../../infra/grants.js";
import { buildEstate } from "../../sandbox/build-estate.js";
import { clientProvider } from "../../sandbox/sandbox-control-plane.js";
import { DETECTOR, ONCALL } from "../support/readiness-sandbox.js";

const EXAMPLE = "examples/tokyo-osaka-blocks.plan.json";
const OSAKA = "ap-northeast-3";

const rows = (findings: Finding[], check: string) =>
  findings
    .filter((finding) => finding.check === check)
    .map((finding) => `${finding.region} ${finding.resource} ${finding.ok}`);

describe("readiness of a plan made of blocks", () => {
  it("checks every Aurora database, and each region's Auto Scaling group and ECS service, and names the group that cannot reach its active capacity", async () => {
    const plan = await loadPlanFile(EXAMPLE);
    const built = buildEstate([plan]);
    // Someone lowered Osaka's batch group's maximum below what a failover asks of it.
    built.models.autoscaling.addGroup(OSAKA, "retail-batch-osaka", {
      min: 1,
      max: 2,
      desired: 1,
      inService: 1,
    });

    const findings = await checkReadiness(
      plan,
      awsReadinessDeps(clientProvider(built.estate, ONCALL), built.estate.clock),
      { detectorFunction: DETECTOR },
    );

    expect(
      findings.filter((finding) => finding.check === "database.member").map((finding) => finding.resource),
    ).toEqual(
      expect.arrayContaining([
        expect.stringContaining("orders-osaka"),
        expect.stringContaining("members-osaka"),
      ]),
    );
    expect(rows(findings, "capacity.ecs-service")).toEqual([
      "ap-northeast-1 retail-tokyo/retail-api true",
      "ap-northeast-3 retail-osaka/retail-api true",
    ]);
    expect(rows(findings, "capacity.auto-scaling-group")).toEqual([
      "ap-northeast-1 retail-batch-tokyo true",
      "ap-northeast-3 retail-batch-osaka false",
    ]);
    expect(findings.find((finding) => finding.resource === "retail-batch-osaka")).toMatchObject({
      actual: "max 2",
      hint: expect.stringContaining("raise the group's MaxSize to at least 4"),
    });
  });

  it("lets the readiness function read the groups and services, and change none of them", async () => {
    const plan = await loadPlanFile(EXAMPLE);
    const policy = functionPolicy("checkReadiness", {
      stage: "test",
      region: OSAKA,
      account: "111122223333",
      plans: [plan],
    });
    const actions = policy.Statement.flatMap((statement) => statement.Action);

    expect(actions).toEqual(
      expect.arrayContaining(["autoscaling:DescribeAutoScalingGroups", "ecs:DescribeServices"]),
    );
    expect(actions).not.toContain("autoscaling:UpdateAutoScalingGroup");
    expect(actions).not.toContain("ecs:UpdateService");
  });
});
