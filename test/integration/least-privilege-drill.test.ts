import { describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../infra/grants.js";
import type { CallRecord } from "../../sandbox/call-history.js";
import { runDrill } from "../../sandbox/drill/run-drill.js";
import { findScenario } from "../../sandbox/drill/scenarios.js";
import type { FunctionPolicyChange } from "../../sandbox/sandbox-control-plane.js";
import { testPlan } from "../support/plan-fixtures.js";

const plan = testPlan();
const ACCOUNT = "111122223333";
const RECOVERY = "ap-southeast-1";
const HOME = "ap-northeast-1";

function regionOutage() {
  const scenario = findScenario("region-outage");
  if (!scenario) throw new Error("the region-outage scenario is missing");
  return scenario;
}

/** Infra's policy for every function but one, which loses one action from each of its statements. */
function withholding(functionKey: string, action: string): FunctionPolicyChange {
  return (key, policy) =>
    key !== functionKey
      ? policy
      : {
          ...policy,
          Statement: policy.Statement.map((statement) => ({
            ...statement,
            Action: statement.Action.filter((granted) => granted !== action),
          })).filter((statement) => statement.Action.length > 0),
        };
}

/** The session a function's calls are made as: its own role in that region, named after the function. */
function sessionOf(functionKey: string, region: string): string {
  return `arn:aws:sts::${ACCOUNT}:assumed-role/kirikae-sandbox-${functionKey}-${region}/kirikae-sandbox-${functionKey}`;
}

describe("least privilege, proven by the drill", () => {
  it("fails over and back with every call of each function allowed by the policy infra gives its own role", async () => {
    let calls: CallRecord[] = [];
    let unchecked: string[] = [];
    let scaling: string | undefined;
    const policies: string[] = [];

    const result = await runDrill({
      plan,
      scenario: regionOutage(),
      failback: true,
      policies: (key, policy: PolicyDocument, region) => {
        policies.push(`${key}@${region}`);
        return policy;
      },
      afterwards: async ({ built, controlPlane }) => {
        calls = built.estate.calls;
        scaling = controlPlane.roleOf("scaleNodegroups");
        unchecked = calls
          .filter(
            (call) =>
              call.principal.includes(":assumed-role/kirikae-") && !built.iam.restricts(call.principal),
          )
          .map((call) => `${call.principal} ${call.service}:${call.operation}`);
      },
    });

    expect(result.accessDenied).toEqual([]);
    // No call of kirikae's escaped evaluation under a role the sandbox attached no policy to.
    expect(unchecked).toEqual([]);
    expect(result.workflows.map((workflow) => [workflow.kind, workflow.status])).toEqual([
      ["failover", "succeeded"],
      ["failback", "succeeded"],
    ]);
    // One role per function and region, as infra deploys them.
    expect(policies).toEqual(
      expect.arrayContaining([`scaleNodegroups@${RECOVERY}`, `completeWorkflow@${HOME}`]),
    );
    expect(scaling).toBe(sessionOf("scaleNodegroups", RECOVERY));
    const callers = (operation: string) =>
      new Set(calls.filter((call) => call.operation === operation).map((call) => call.principal));
    // The fencing scales the returned home region to standby before the failback, with its own grant.
    expect(callers("UpdateNodegroupConfig")).toEqual(
      new Set([
        sessionOf("scaleNodegroups", RECOVERY),
        sessionOf("scaleDownNodegroups", RECOVERY),
        sessionOf("fenceReturnedRegions", RECOVERY),
      ]),
    );
    expect(callers("StartExecution")).toContain(sessionOf("detectAlarm", RECOVERY));
    // The failback's digest is signed in the home region, by the home region's role.
    expect(callers("Sign")).toEqual(
      new Set([sessionOf("completeWorkflow", RECOVERY), sessionOf("completeWorkflow", HOME)]),
    );
  });

  it("escalates the failover with AccessDenied naming the function, the action and the resource when one grant is withheld", async () => {
    const result = await runDrill({
      plan,
      scenario: regionOutage(),
      policies: withholding("scaleNodegroups", "eks:UpdateNodegroupConfig"),
    });

    const denied = new RegExp(
      `^User: ${sessionOf("scaleNodegroups", RECOVERY)} is not authorized to perform: eks:UpdateNodegroupConfig on resource: arn:aws:eks:${RECOVERY}:${ACCOUNT}:nodegroup/[^/]+/[^/]+/[0-9a-f-]{36} because no identity-based policy allows the eks:UpdateNodegroupConfig action$`,
    );
    expect(result.ok).toBe(false);
    expect(result.accessDenied.length).toBeGreaterThan(0);
    for (const message of result.accessDenied) expect(message).toMatch(denied);
    const [failover] = result.workflows;
    expect(failover?.status).toBe("escalated");
    expect(failover?.reason).toContain("AccessDeniedException");
    expect(failover?.reason).toContain(result.accessDenied[0]);
  });

  it("fails the drill for a refused call even when the step carries on past it", async () => {
    const result = await runDrill({
      plan,
      scenario: regionOutage(),
      failback: true,
      policies: withholding("completeWorkflow", "kms:Sign"),
    });

    // A digest that cannot be signed is recorded and notified, never the run's outcome.
    expect(result.workflows.map((workflow) => workflow.status)).toEqual(["succeeded", "succeeded"]);
    expect(result.ok).toBe(false);
    expect(result.accessDenied).toEqual([
      expect.stringMatching(
        new RegExp(
          `^User: ${sessionOf("completeWorkflow", RECOVERY)} is not authorized to perform: kms:Sign on resource: arn:aws:kms:${RECOVERY}:${ACCOUNT}:key/`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^User: ${sessionOf("completeWorkflow", HOME)} is not authorized to perform: kms:Sign on resource: arn:aws:kms:${HOME}:`,
        ),
      ),
    ]);
  });
});
