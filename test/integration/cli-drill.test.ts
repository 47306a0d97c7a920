import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/run-cli.js";

async function run(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(argv, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    setExitCode: () => undefined,
  });
  return { code, out, err };
}

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
      "Pre-checks",
      "Promote database",
      "Scale up nodegroups",
      "Switch traffic",
      "Verify recovery",
      "Record outcome",
    ]);
  });

  it("fails cleanly, naming the reason, when the standby region itself is down", async () => {
    const result = await run("drill", "--fault", "region-down:ap-southeast-1");

    expect(result.code).toBe(1);
    expect(result.out).toMatch(/no workflow started\n/);
    expect(result.out).toMatch(/detector: failed: states:StartExecution .* TimeoutError/);
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  it("rejects a malformed fault with the grammar", async () => {
    const result = await run("drill", "--fault", "meteor:tokyo");

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/unknown fault kind "meteor"/);
    expect(result.err).toMatch(/region-down:REGION/);
  });
});
