import { beforeAll, describe, expect, it } from "vitest";
import { loadPlanFile } from "../../core/plan/load-plan-file.js";
import type { Plan } from "../../core/plan/schema.js";
import { KUBERNETES_USERS } from "../../infra/kubernetes-access.js";
import {
  ACCESS_ENTRY,
  ACCESS_POLICY,
  ACCOUNT,
  type MockDeploy,
  mockDeploy,
  STAGE,
} from "./support/mock-deploy.js";

let deploy: MockDeploy;
let orders: Plan;

beforeAll(async () => {
  // The Virginia example: two clusters, each with Deployments in the "orders" namespace.
  orders = await loadPlanFile("examples/virginia-oregon.plan.json");
  deploy = await mockDeploy([orders]);
});

const role = (key: string, region: string) =>
  `arn:aws:iam::${ACCOUNT}:role/kirikae-${STAGE}-${key}-${region}`;

describe("Kubernetes access for the steps that count Ready nodes and scale Deployments", () => {
  it("gives each such function's role, in every control-plane region, an access entry on each plan cluster", () => {
    for (const cluster of orders.compute.clusters) {
      const entries = deploy
        .ofType(ACCESS_ENTRY)
        .filter((entry) => entry.inputs.clusterName === cluster.name)
        .map((entry) => [entry.region, entry.inputs.principalArn, entry.inputs.type]);

      // The fence, in the recovery region, reaches only the home cluster, to scale it down once it answers.
      const fence =
        cluster.region === orders.activeRegion
          ? [[cluster.region, role("fenceReturnedRegions", "us-west-2"), "STANDARD"]]
          : [];
      expect(entries.sort()).toEqual(
        [
          ...orders.regions.flatMap((region) =>
            Object.keys(KUBERNETES_USERS).map((key) => [cluster.region, role(key, region), "STANDARD"]),
          ),
          ...fence,
        ].sort(),
      );
    }
  });

  it("lets every one read the cluster (nodes are cluster-wide) and only the scaling steps edit, in the workloads' namespaces", () => {
    const [cluster] = orders.compute.clusters;
    if (!cluster) throw new Error("the example has clusters");
    const policies = (principal: string) =>
      deploy
        .ofType(ACCESS_POLICY)
        .filter(
          (policy) => policy.inputs.clusterName === cluster.name && policy.inputs.principalArn === principal,
        )
        .map((policy) => [String(policy.inputs.policyArn).split("/").pop(), policy.inputs.accessScope]);
    const namespaces = [...new Set(cluster.workloads.map((workload) => workload.namespace))];

    expect(policies(role("verifyRecovery", cluster.region))).toEqual([
      ["AmazonEKSAdminViewPolicy", { type: "cluster" }],
    ]);
    expect(policies(role("scaleNodegroups", cluster.region)).sort()).toEqual([
      ["AmazonEKSAdminViewPolicy", { type: "cluster" }],
      ["AmazonEKSEditPolicy", { type: "namespace", namespaces }],
    ]);
  });
});
