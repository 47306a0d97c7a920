import { describe, expect, it } from "vitest";
import { scenarios } from "../../sandbox/drill/scenarios.js";
import { runKirikae } from "../support/run-kirikae.js";

async function run(...argv: string[]) {
  const { code, stdout, stderr } = await runKirikae(argv);
  return { code, out: stdout, err: stderr };
}

/** The documented `--json` shape, as scripts rely on it. */
const step = {
  name: expect.any(String),
  status: expect.any(String),
  startedAt: expect.any(String),
  endedAt: expect.any(String),
};
const nullableNumber = (value: unknown) => value === null || typeof value === "number";

describe("kirikae drill", () => {
  it("prints one JSON document with the drill's outcome and exits 0 when it went as expected", async () => {
    const result = await run("drill", "--json");

    const parsed = JSON.parse(result.out);
    expect(result.code).toBe(0);
    expect(parsed).toMatchObject({
      ok: true,
      scenario: "region-outage",
      final: { writerRegion: "ap-northeast-1", trafficRegion: "ap-northeast-1" },
    });
    expect(
      parsed.workflows.map((workflow: { kind: string; status: string }) => [workflow.kind, workflow.status]),
    ).toEqual([
      ["failover", "succeeded"],
      ["failback", "succeeded"],
    ]);
    expect(parsed.workflows[0].steps.map((step: { name: string }) => step.name)).toEqual([
      "Accept request",
      "Prepare capacity",
      "Confirm signal",
      "Pre-checks",
      "Promote database",
      "Scale up nodegroups",
      "Switch traffic",
      "Verify recovery",
      "Record outcome",
    ]);
  });

  it.each(scenarios.map((scenario) => scenario.name))(
    "prints the documented JSON shape and nothing else for scenario %s, and exits 0",
    async (name) => {
      const result = await run("drill", "--scenario", name, "--json");

      expect(result.code).toBe(0);
      const parsed = JSON.parse(result.out);
      expect(parsed).toMatchObject({
        ok: true,
        scenario: name,
        final: {
          writerRegion: expect.any(String),
          trafficRegion: expect.any(String),
          nodegroups: expect.any(Object),
        },
        invariants: expect.any(Object),
        audit: { records: expect.any(Number), verified: true },
      });
      for (const workflow of parsed.workflows) {
        expect(["failover", "failback"]).toContain(workflow.kind);
        expect(typeof workflow.status).toBe("string");
        expect(nullableNumber(workflow.rtoSeconds) && nullableNumber(workflow.rpoSeconds)).toBe(true);
        for (const taken of workflow.steps) expect(taken).toMatchObject(step);
      }
      expect(Object.values(parsed.invariants).every((held) => held === true)).toBe(true);
    },
    60_000,
  );

  it("fails cleanly, naming the reason, when the standby region itself is down", async () => {
    const result = await run("drill", "--fault", "region-down:ap-southeast-1");

    expect(result.code).toBe(1);
    expect(result.out).toMatch(/no workflow started\n/);
    // The detector lives in the standby region: with it down, no alarm event can reach it.
    expect(result.out).toMatch(
      /alarm shop-tokyo-health-check \(us-east-1\) ALARM: its event never reaches the detector\n/,
    );
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  it("rejects a malformed fault with the grammar", async () => {
    const result = await run("drill", "--fault", "meteor:tokyo");

    expect(result.code).toBe(2);
    expect(result.err).toMatch(/unknown fault kind "meteor"/);
    expect(result.err).toMatch(/region-down:REGION/);
  });

  it("refuses a time zone it does not know before anything runs, and names the zones it wants", async () => {
    const result = await run("drill", "--report", "/tmp/never-written", "--tz", "Mars/Olympus");

    expect(result.code).toBe(2);
    expect(result.err).toMatch(/"Mars\/Olympus" is not a time zone/);
    expect(result.out).not.toMatch(/kirikae drill: scenario/);
  });
});
