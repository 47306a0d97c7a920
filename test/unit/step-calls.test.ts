import { describe, expect, it } from "vitest";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import type { Plan } from "../../core/plan/schema.js";
import { validatePlan } from "../../core/plan/validate-plan.js";
import { DETECTOR_STEP } from "../../core/workflow/step-calls.js";
import { taskStates } from "../../stepfunctions/asl.js";
import { failbackDefinition } from "../../stepfunctions/failback-definition.js";
import { failoverDefinition } from "../../stepfunctions/failover-definition.js";
import { localTaskFunctionArns } from "../../stepfunctions/task-functions.js";
import { workflowDependencies, workflowStepCalls } from "../../steps/workflow-calls.js";
import { testPlan } from "../support/plan-fixtures.js";

const arns = localTaskFunctionArns();

function dependencies(plan: Plan, kind: "failover" | "failback"): string[] {
  return workflowDependencies(plan, kind).map(
    (dependency) =>
      `${dependency.step}: ${dependency.call.action} in ${dependency.call.region}: ${dependency.dependsOn}`,
  );
}

describe("the call map", () => {
  it("has an entry for every Task state of both state machines, and the detector", async () => {
    const weighted = await loadPlanFile("test/support/weighted-record-edits.plan.ts");
    // Approval mode and a data-loss question: a plan that pauses on every question the workflow can ask.
    const reparsed = validatePlan({
      ...weighted,
      database: { ...weighted.database, dataLoss: "approval-above-rpo" },
    });
    if (!reparsed.ok) throw new Error("the approval plan is invalid");
    const approvalPlan: Plan = reparsed.plan;

    const failover = workflowStepCalls(approvalPlan, "failover").map((step) => step.step);
    const failback = workflowStepCalls(approvalPlan, "failback").map((step) => step.step);

    expect(failover).toEqual(
      expect.arrayContaining([
        DETECTOR_STEP,
        ...taskStates(failoverDefinition(arns, approvalPlan)).map((state) => state.name),
      ]),
    );
    expect(failback).toEqual(
      expect.arrayContaining(taskStates(failbackDefinition(arns, approvalPlan)).map((state) => state.name)),
    );
  });

  it("says plainly that record edits depend on us-east-1's Route 53 API, whatever the plan's regions", () => {
    const plan = testPlan();

    expect(dependencies(plan, "failover")).toEqual([
      "Switch traffic: route53:ListResourceRecordSets in us-east-1: depends on us-east-1's Route 53 API",
      "Switch traffic: route53:ChangeResourceRecordSets in us-east-1: depends on us-east-1's Route 53 API",
      "Switch traffic: route53:GetChange in us-east-1: depends on us-east-1's Route 53 API",
    ]);
  });

  it("finds nothing beyond the recovery region on a gated failover, and names what a planned failback needs", () => {
    const plan = testPlan((input) => {
      input.dns.gates = { kind: "cloudwatch-alarm" };
    });

    expect(dependencies(plan, "failover")).toEqual([]);
    expect(dependencies(plan, "failback")).toEqual([
      "Switch over database: rds:SwitchoverGlobalCluster in ap-southeast-1: needs ap-southeast-1, the region being left",
      "Switch over database: cloudwatch:PutMetricData in ap-southeast-1: needs ap-southeast-1, the region being left",
      "Switch traffic: cloudwatch:PutMetricData in ap-southeast-1: needs ap-southeast-1, the region being left",
      "Scale down nodegroups: eks:DescribeNodegroup in ap-southeast-1: needs ap-southeast-1, the region being left",
      "Scale down nodegroups: eks:UpdateNodegroupConfig in ap-southeast-1: needs ap-southeast-1, the region being left",
      "Scale down nodegroups: eks:DescribeCluster in ap-southeast-1: needs ap-southeast-1, the region being left",
    ]);
  });

  it("does not count an ARC endpoint in the failed region as a dependency while another endpoint will do", async () => {
    const plan = await loadPlanFile("examples/virginia-oregon.plan.json");

    const gates = workflowStepCalls(plan, "failover")
      .find((step) => step.step === "Switch traffic")
      ?.calls.filter((call) => call.action === "route53-recovery-cluster:UpdateRoutingControlStates");

    expect(gates?.map((call) => call.region)).toContain("us-east-1");
    expect(dependencies(plan, "failover")).toEqual([]);
  });
});

describe("the data-loss question in the call map", () => {
  it("lists the pause only for a plan that lets a person accept losing more than the RPO", () => {
    const asking = testPlan((input) => {
      input.database.dataLoss = "approval-above-rpo";
    });
    const steps = (plan: Plan, kind: "failover" | "failback") =>
      workflowStepCalls(plan, kind).map((step) => step.step);

    expect(steps(asking, "failover")).toContain("Await data-loss approval");
    expect(steps(testPlan(), "failover")).not.toContain("Await data-loss approval");
    expect(steps(asking, "failback")).not.toContain("Await data-loss approval");
  });
});
