import { beforeAll, describe, expect, it } from "vitest";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import type { PolicyDocument } from "../../infra/grants.js";
import { ACCOUNT, type MockDeploy, mockDeploy, ROLE_POLICY } from "./support/mock-deploy.js";

/** IAM's limit on a role's inline policies, in characters without whitespace (IAM and AWS STS quotas). */
const INLINE_POLICY_LIMIT = 10_240;

let deploy: MockDeploy;

beforeAll(async () => {
  deploy = await mockDeploy([await loadPlanFile("examples/fleet-200.plan.json")]);
}, 60_000);

const policies = () =>
  deploy.ofType(ROLE_POLICY).map((policy) => ({
    role: String(policy.inputs.role),
    document: JSON.parse(String(policy.inputs.policy)) as PolicyDocument,
  }));

describe("a plan of 200 nodegroups, as deployed", () => {
  it("fits every role's inline policy within IAM's limit, so the deploy is not refused", () => {
    const sizes = policies().map(({ role, document }) => [role, JSON.stringify(document).length] as const);

    expect(sizes.length).toBeGreaterThan(10);
    expect(sizes.filter(([, size]) => size > INLINE_POLICY_LIMIT)).toEqual([]);
  });

  it("still holds the nodegroup grants to the plan's own clusters", () => {
    const nodegroupResources = policies().flatMap(({ document }) =>
      document.Statement.flatMap((statement) =>
        [statement.Resource].flat().filter((resource) => String(resource).includes(":nodegroup/")),
      ),
    );

    expect(nodegroupResources.length).toBeGreaterThan(0);
    for (const resource of nodegroupResources)
      expect(resource).toMatch(
        new RegExp(`^arn:aws:eks:eu-(central|west)-1:${ACCOUNT}:nodegroup/catalog-[a-z]+-\\d+/\\*$`),
      );
  });
});
