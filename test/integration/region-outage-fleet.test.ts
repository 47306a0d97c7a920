import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_FLEET_TEMPLATE, generatePlans } from "../../sandbox/drill/generate-plans.js";
import { runRegionOutage } from "../../sandbox/drill/run-region-outage.js";
import { runKirikae } from "../support/run-kirikae.js";

const template = JSON.parse(await readFile(DEFAULT_FLEET_TEMPLATE, "utf8")) as unknown;

/** `count` plans active in Tokyo, and one more moved to Oregon/Ohio: an application the outage must not touch. */
function fleet(count: number) {
  const affected = generatePlans(template, count);
  const [elsewhere] = generatePlans(template, 1, {
    startAt: count + 1,
    regions: { "ap-northeast-1": "us-west-2", "ap-southeast-1": "us-east-2" },
  });
  if (!elsewhere) throw new Error("no plan generated");
  return { affected, elsewhere };
}

describe("a region outage across a fleet of plans", () => {
  it("fails every plan active in the dark region over at once, within its RTO, and leaves the others alone", async () => {
    const { affected, elsewhere } = fleet(3);
    const progress: string[] = [];

    const result = await runRegionOutage({
      plans: [...affected.map((entry) => entry.plan), elsewhere.plan],
      onProgress: (event) => progress.push(`${event.kind} ${"plan" in event ? event.plan : event.region}`),
    });

    expect(result.region).toBe("ap-northeast-1");
    expect(result.plans.map((plan) => [plan.plan, plan.status, plan.ok])).toEqual([
      ["shop-01", "succeeded", true],
      ["shop-02", "succeeded", true],
      ["shop-03", "succeeded", true],
    ]);
    for (const plan of result.plans) {
      expect(Object.values(plan.invariants).every(Boolean)).toBe(true);
      expect(plan.userVisibleRtoSeconds).toBeLessThanOrEqual(plan.objectiveSeconds);
      expect(plan.detectionSeconds).toBeGreaterThan(0);
    }
    expect(result.unaffected).toEqual([
      {
        plan: "shop-04",
        activeRegion: "us-west-2",
        noWorkflow: true,
        mutations: [],
        dnsUnchanged: true,
        untouched: true,
      },
    ]);
    expect(result.slowest?.slowestOverSingle).not.toBeNull();
    expect(result.slowest?.slowestOverSingle ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(1.25);
    expect(result.detector.started).toBe(3);
    expect(result.ok).toBe(true);
    expect(progress).toEqual(
      expect.arrayContaining(["dark ap-northeast-1", "detected shop-02", "recovered shop-03"]),
    );
  });

  it("counts what the account's shared limits throttle, and still recovers every plan when they are set low", async () => {
    const { affected } = fleet(3);

    const result = await runRegionOutage({
      plans: affected.map((entry) => entry.plan),
      compareWithSingle: false,
      limits: {
        startExecution: { burst: 1, refillPerSecond: 0.5 },
        eksApi: { burst: 8, refillPerSecond: 2 },
        lambdaConcurrentExecutions: 1,
      },
    });

    expect(result.throttled["sfn:StartExecution"]).toBeGreaterThan(0);
    expect(result.throttled["lambda:Invoke (asynchronous)"]).toBeGreaterThan(0);
    const eksThrottled = Object.entries(result.throttled).filter(([api]) => api.startsWith("eks:"));
    expect(eksThrottled.reduce((sum, [, count]) => sum + count, 0)).toBeGreaterThan(0);
    expect(result.lambdaPeakConcurrency).toBeLessThanOrEqual(1);
    expect(result.plans.map((plan) => plan.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(result.ok).toBe(true);
  });
});

describe("a region outage where the standby region's APIs are starved", () => {
  it("retries throttled steps long enough that no run ends on a throttle: every plan still recovers", async () => {
    const { affected } = fleet(4);

    const result = await runRegionOutage({
      plans: affected.map((entry) => entry.plan),
      compareWithSingle: false,
      // Three calls of burst and one a second, for RDS and EKS alike: a stampede's worth of throttling.
      limits: { rdsApi: { burst: 3, refillPerSecond: 1 }, eksApi: { burst: 3, refillPerSecond: 1 } },
    });

    expect(result.throttled["eks:DescribeNodegroup"]).toBeGreaterThan(100);
    expect(result.plans.map((plan) => [plan.plan, plan.status])).toEqual(
      affected.map((entry) => [entry.plan.name, "succeeded"]),
    );
  }, 120_000);
});

describe("kirikae drill --plans", () => {
  async function planDirectory(documents: readonly unknown[]): Promise<string> {
    const directory = await mkdtemp(join(tmpdir(), "kirikae-fleet-"));
    await Promise.all(
      documents.map((document, index) =>
        writeFile(join(directory, `app-${index + 1}.plan.json`), JSON.stringify(document)),
      ),
    );
    return directory;
  }

  it("prints one JSON document of the fleet's drill and exits 0 when every plan recovered in time", async () => {
    const { affected, elsewhere } = fleet(2);
    const directory = await planDirectory([...affected, elsewhere].map((entry) => entry.document));

    const result = await runKirikae(["drill", "--plans", directory, "--json"]);

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed).toMatchObject({
      region: "ap-northeast-1",
      ok: true,
      slowest: { plan: expect.any(String), userVisibleRtoSeconds: expect.any(Number) },
      throttled: expect.any(Object),
      unaffected: [{ plan: "shop-03", untouched: true }],
    });
    expect(parsed.plans).toHaveLength(2);
    for (const plan of parsed.plans) {
      expect(plan).toMatchObject({
        plan: expect.any(String),
        userVisibleRtoSeconds: expect.any(Number),
        recoveryRtoSeconds: expect.any(Number),
        detectionSeconds: expect.any(Number),
        ok: true,
      });
    }
  });

  it("exits 2 when the directory holds no plan file", async () => {
    const directory = await planDirectory([]);

    const result = await runKirikae(["drill", "--plans", directory]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("holds no plan files");
    expect(result.stdout).toBe("");
  });

  it("exits 2 naming the file when a plan is invalid", async () => {
    const [valid] = generatePlans(template, 1);
    const directory = await planDirectory([valid?.document, { name: "broken" }]);

    const result = await runKirikae(["drill", "--plans", directory]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("app-2.plan.json");
  });

  it("exits 2 when --plans comes with --plan-file, or --region without --plans", async () => {
    const both = await runKirikae(["drill", "--plans", "examples", "--plan-file", DEFAULT_FLEET_TEMPLATE]);
    const regionAlone = await runKirikae(["drill", "--region", "ap-northeast-1"]);

    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--plan-file");
    expect(regionAlone.code).toBe(2);
    expect(regionAlone.stderr).toContain("--plans");
  });
});
