import { describe, expect, it } from "vitest";
import type { Clock } from "../../core/clock.js";
import { type FenceDeps, fenceReturnedRegions } from "../../core/failover/fence-returned-region.js";
import type { Plan } from "../../core/plan/schema.js";
import type { ComputePort, NodegroupState } from "../../core/ports/compute.js";
import type { DeploymentState, KubernetesPort } from "../../core/ports/kubernetes.js";
import type { PromotionMode } from "../../core/ports/plan-state.js";
import { TransientAwsError } from "../../core/workflow/workflow-errors.js";
import { useLocalTables } from "../support/local-tables.js";
import { testPlan } from "../support/plan-fixtures.js";

const tables = useLocalTables();

const TOKYO = "ap-northeast-1";
const SINGAPORE = "ap-southeast-1";
const ENDED_AT = "2026-01-01T00:10:00.000Z";

/** Tokyo is the shop plan's home; its worker Deployment runs 4 replicas when active, 1 on standby. */
function planNamed(name: string): Plan {
  return testPlan((input) => {
    input.name = name;
    const tokyo = input.compute.clusters.find((cluster) => cluster.region === TOKYO);
    if (tokyo)
      tokyo.workloads = [{ namespace: "shop", name: "queue-worker", activeReplicas: 4, standbyReplicas: 1 }];
  });
}

/** Tokyo's estate as it comes back: everything still at its active sizes, answering or not. */
function tokyoEstate() {
  const nodegroups = new Map<string, NodegroupState>([
    ["web", { status: "ACTIVE", minSize: 6, maxSize: 10, desiredSize: 6 }],
    ["worker", { status: "ACTIVE", minSize: 3, maxSize: 6, desiredSize: 3 }],
  ]);
  const deployments = new Map<string, DeploymentState>([
    ["shop/queue-worker", { replicas: 4, readyReplicas: 4 }],
  ]);
  const calls: string[] = [];
  const estate = { answers: true, nodegroups, deployments, calls };
  const down = (region: string) => new TransientAwsError(`eks:DescribeCluster in ${region} timed out`);
  const compute: ComputePort = {
    clusterStatus: async (region) => {
      calls.push(`DescribeCluster ${region}`);
      if (!estate.answers) throw down(region);
      return "ACTIVE";
    },
    nodegroups: async () => [...nodegroups.keys()],
    nodegroup: async (_region, _cluster, name) => {
      const state = nodegroups.get(name);
      if (!state) throw new Error(`no nodegroup ${name}`);
      return { ...state };
    },
    scale: async (region, cluster, name, size) => {
      calls.push(
        `UpdateNodegroupConfig ${region}/${cluster}/${name} min ${size.minSize} desired ${size.desiredSize}`,
      );
      const state = nodegroups.get(name);
      if (state) nodegroups.set(name, { ...state, ...size });
      return { requestId: `req-${calls.length}` };
    },
  };
  const kubernetes: KubernetesPort = {
    readyNodes: async () => 0,
    deployment: async (namespace, name) => deployments.get(`${namespace}/${name}`),
    scaleDeployment: async (namespace, name, replicas) => {
      calls.push(`scale ${namespace}/${name} to ${replicas}`);
      deployments.set(`${namespace}/${name}`, { replicas, readyReplicas: replicas });
      return { requestId: `audit-${calls.length}` };
    },
  };
  return { estate, compute, kubernetes };
}

function setUp(plan: Plan) {
  const { estate, compute, kubernetes } = tokyoEstate();
  let now = new Date("2026-01-01T00:15:00.000Z");
  const clock: Clock = { now: () => now, sleep: async () => undefined };
  const notified: string[] = [];
  const deps: FenceDeps = {
    state: tables.state,
    compute,
    probe: compute,
    kubernetes: () => kubernetes,
    clock,
    audit: tables.audit,
    notifier: { notify: async (subject) => void notified.push(subject) },
    actor: "arn:aws:sts::111122223333:assumed-role/kirikae-test-fenceReturnedRegions-ap-southeast-1/fence",
  };
  const fence = () => fenceReturnedRegions([plan], deps, { region: SINGAPORE });
  const later = (minutes: number) => {
    now = new Date(now.getTime() + minutes * 60_000);
  };
  return { estate, fence, later, notified };
}

/** The plan as a completed workflow leaves it: running in `region`, promoted by `promotion`. */
async function completed(plan: Plan, region: string, promotion: PromotionMode) {
  const holder = `${plan.name}-run`;
  const lock = {
    holder,
    kind: "failover" as const,
    acquiredAt: ENDED_AT,
    leaseUntil: "2026-01-01T04:00:00.000Z",
  };
  await tables.state.acquireLock(plan.name, lock, ENDED_AT);
  await tables.state.releaseLock(plan.name, holder, { endedAt: ENDED_AT, activeRegion: region, promotion });
}

describe("fencing the region a data-loss failover left, once it answers", () => {
  it("scales Tokyo's nodegroups and workers to standby once, audited, and notifies once", async () => {
    const plan = planNamed("fence-once");
    await completed(plan, SINGAPORE, "failover");
    const { estate, fence, later, notified } = setUp(plan);

    const [first] = await fence();
    later(5);
    const callsAfterFirst = estate.calls.length;
    const [second] = await fence();

    expect(first).toMatchObject({ outcome: "fenced", region: TOKYO });
    expect(estate.calls).toEqual([
      `DescribeCluster ${TOKYO}`,
      `UpdateNodegroupConfig ${TOKYO}/shop-tokyo/web min 2 desired 2`,
      `UpdateNodegroupConfig ${TOKYO}/shop-tokyo/worker min 1 desired 1`,
      "scale shop/queue-worker to 1",
    ]);
    expect(estate.calls).toHaveLength(callsAfterFirst);
    expect(second).toMatchObject({ outcome: "skipped", reason: expect.stringMatching(/was fenced at/) });
    expect(notified).toEqual(["kirikae: fence-once: ap-northeast-1 answers again and was fenced"]);
    expect((await tables.state.get(plan.name)).fencedAt).toBe("2026-01-01T00:15:00.000Z");
    const records = await tables.audit.chain(plan.name);
    expect(records.filter((record) => record.kind === "intent").map((record) => record.action)).toEqual([
      "eks:UpdateNodegroupConfig",
      "eks:UpdateNodegroupConfig",
      "k8s:PatchDeploymentScale",
    ]);
    expect(records.at(-1)).toMatchObject({
      action: "region.fenced",
      executionId: "-",
      resource: `${TOKYO}/shop-tokyo`,
    });
    expect(records.every((record) => record.actor.includes("fenceReturnedRegions"))).toBe(true);
  });

  it("leaves a region that does not answer, and fences it on a later run once it does", async () => {
    const plan = planNamed("fence-later");
    await completed(plan, SINGAPORE, "failover");
    const { estate, fence, later, notified } = setUp(plan);
    estate.answers = false;

    const [silent] = await fence();
    later(5);
    estate.answers = true;
    const [answered] = await fence();

    expect(silent).toMatchObject({ outcome: "unanswered", region: TOKYO });
    expect(answered).toMatchObject({ outcome: "fenced" });
    expect(estate.calls.filter((call) => call.startsWith("UpdateNodegroupConfig"))).toHaveLength(2);
    expect(notified).toHaveLength(1);
  });

  it("does nothing while a failback holds the plan, even with Tokyo answering", async () => {
    const plan = planNamed("fence-failback");
    await completed(plan, SINGAPORE, "failover");
    await tables.state.acquireLock(
      plan.name,
      {
        holder: "fence-failback-failback-1",
        kind: "failback",
        acquiredAt: "2026-01-01T00:14:00.000Z",
        leaseUntil: "2026-01-01T01:14:00.000Z",
      },
      "2026-01-01T00:14:00.000Z",
    );
    const { estate, fence, notified } = setUp(plan);

    const [result] = await fence();

    expect(result).toMatchObject({ outcome: "skipped", reason: expect.stringMatching(/failback/) });
    expect(estate.calls).toEqual([]);
    expect(notified).toEqual([]);
    expect((await tables.state.get(plan.name)).fencedAt).toBeUndefined();
  });

  it("does nothing after a switchover: Aurora demoted the old primary in order", async () => {
    const plan = planNamed("fence-switchover");
    await completed(plan, SINGAPORE, "switchover");
    const { estate, fence, notified } = setUp(plan);

    const [result] = await fence();

    expect(result).toMatchObject({
      outcome: "skipped",
      reason: expect.stringMatching(/not a data-loss failover/),
    });
    expect(estate.calls).toEqual([]);
    expect(notified).toEqual([]);
  });

  it("does nothing once the plan is back home, and the next promotion clears the old fence", async () => {
    const plan = planNamed("fence-home");
    await completed(plan, SINGAPORE, "failover");
    const { estate, fence, notified } = setUp(plan);
    await fence();
    await completed(plan, TOKYO, "switchover");
    const callsBefore = estate.calls.length;

    const [result] = await fence();

    expect(result).toMatchObject({ outcome: "skipped", reason: `the plan runs in ${TOKYO}` });
    expect(estate.calls).toHaveLength(callsBefore);
    expect(notified).toHaveLength(1);
    expect((await tables.state.get(plan.name)).fencedAt).toBeUndefined();
  });
});
