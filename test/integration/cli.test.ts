import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/program.js";

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

describe("kirikae plan validate", () => {
  it.each(["examples/tokyo-singapore.plan.json", "examples/weighted.plan.ts"])(
    "accepts the shipped example %s",
    async (file) => {
      const result = await run("plan", "validate", file);

      expect(result).toMatchObject({ code: 0, err: "" });
      expect(result.out).toMatch(/is valid/);
    },
  );

  it("lists every problem of the broken example with its path, and exits non-zero without a stack trace", async () => {
    const result = await run("plan", "validate", "examples/broken.plan.json");

    expect(result.code).toBe(1);
    for (const path of [
      "name:",
      "triggers:",
      "activeRegion:",
      "database.members.ap-southeast-1:",
      "compute.clusters[0].nodegroups[0].activeSize:",
      "compute.clusters[0].nodegroups[1].name:",
    ]) {
      expect(result.err).toContain(`  ${path}`);
    }
    expect(result.err).toMatch(/10 problems found/);
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  it("prints only JSON with --json", async () => {
    const result = await run("plan", "validate", "examples/broken.plan.json", "--json");

    const parsed = JSON.parse(result.out);
    expect(parsed).toMatchObject({ ok: false, file: "examples/broken.plan.json" });
    expect(parsed.issues).toHaveLength(10);
  });

  it("says which file is missing or not JSON", async () => {
    const folder = await mkdtemp(join(tmpdir(), "kirikae-"));
    const malformed = join(folder, "plan.json");
    await writeFile(malformed, "{ not json");

    const missing = await run("plan", "validate", join(folder, "nope.json"));
    const broken = await run("plan", "validate", malformed);

    expect(missing.err).toMatch(/cannot read plan file .*nope\.json/);
    expect(broken.err).toMatch(/plan\.json is not valid JSON/);
    expect([missing.code, broken.code]).toEqual([1, 1]);
  });
});

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
