import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatFailure } from "../../cli/output.js";
import { KirikaeError } from "../../core/errors.js";
import { runKirikae } from "../support/run-kirikae.js";

/** A line of a JavaScript stack trace, which a person must never see for an expected failure. */
const STACK_LINE = /^\s+at /m;

const kirikae = (...argv: string[]) => runKirikae(argv);

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "kirikae-cli-"));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("kirikae plan validate", () => {
  // Each example has a canary alarm evaluated from its standby region, so none warns of a silenced trigger.
  it.each([
    [
      "examples/tokyo-singapore.plan.json",
      'plan "shop" is valid (ap-northeast-1, ap-southeast-1, active ap-northeast-1)',
    ],
    ["examples/virginia-oregon.plan.json", 'plan "orders" is valid (us-east-1, us-west-2, active us-east-1)'],
  ])("confirms %s with no warning", async (file, verdict) => {
    const result = await kirikae("plan", "validate", file);

    expect(result).toEqual({ code: 0, stdout: `✓ ${file}: ${verdict}\n`, stderr: "" });
  });

  it("warns that payments-api's detection and hold outlast its RPO: a data-loss failover will ask a person", async () => {
    const file = "examples/oregon-ireland.plan.ts";

    const result = await kirikae("plan", "validate", file);

    expect(result).toMatchObject({ code: 0, stderr: "" });
    // An alarm kept elsewhere (90 s assumed) plus the 120 s hold, against an RPO of 60 s.
    expect(result.stdout).toContain(
      "triggers: the first alarm to arrive when us-west-2 goes dark, payments-oregon-health-check, fires after about 90 s; with the 120 s hold that is not under the RPO of 60 s",
    );
    expect(result.stdout).toContain("so a failover with data loss would be asked of a person");
  });

  it("confirms the weighted TypeScript example and exits 0, with its warning", async () => {
    const result = await kirikae("plan", "validate", "test/support/weighted-record-edits.plan.ts");

    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(
      /^✓ test\/support\/weighted-record-edits\.plan\.ts: plan "payments-api" is valid \(us-west-2, eu-west-1, active us-west-2\)\nwarnings:\n {2}triggers\.alarms: every trigger alarm lives in us-east-1: /,
    );
  });

  it("lists every problem of the broken example with its path and hint, counts them, and exits 1", async () => {
    const result = await kirikae("plan", "validate", "examples/broken.plan.json");

    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.split("\n");
    expect(lines[0]).toBe("✗ examples/broken.plan.json is not a valid plan (10 problems)");
    for (const line of [
      "  name: must be lowercase letters, digits and hyphens, starting with a letter, at most 40 characters",
      "  database.members.ap-northeast-1: must be a DB cluster ARN",
      '  triggers: Unrecognized key: "hold"',
      "  activeRegion: eu-west-1 is not one of the plan's regions (ap-northeast-1, ap-southeast-1)",
      "    hint: set activeRegion to the region that serves traffic today",
      "  database.members.ap-southeast-1: no member cluster for region ap-southeast-1",
      "  dns.records[0].targets.ap-southeast-1.healthCheckId: failover routing needs a health check on every target",
      "  compute.clusters: no EKS cluster for region ap-southeast-1",
      '  compute.clusters[0].nodegroups[1].name: duplicate name "web" (also at compute.clusters[0].nodegroups[0])',
      "  compute.clusters[0].nodegroups[0].activeSize: active size 12 is larger than max size 10",
      "  compute.clusters[0].nodegroups[1].standbySize: standby size 4 is larger than active size 2",
    ]) {
      expect(lines).toContain(line);
    }
    expect(lines.filter((line) => line.startsWith("    hint: "))).toHaveLength(8);
    expect(lines.at(-2)).toBe("10 problems found");
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it("names a missing file and what to check, without a stack trace", async () => {
    const missing = join(folder, "nope.plan.json");

    const result = await kirikae("plan", "validate", missing);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `✗ cannot read plan file ${missing}\n` +
        `  (file): no such file (looked for ${missing})\n` +
        "    hint: check the path; it is relative to the current directory, and the examples live in examples/\n" +
        "1 problem found\n",
    );
  });

  it("names the file, line and column of malformed JSON", async () => {
    const malformed = join(folder, "malformed.plan.json");
    await writeFile(malformed, '{\n  "name": "shop",\n  "regions": ["ap-northeast-1",]\n}\n');

    const result = await kirikae("plan", "validate", malformed);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`✗ ${malformed} is not valid JSON\n`);
    expect(result.stderr).toContain(
      "  (file): line 3, column 32: a comma before ']': JSON allows no trailing commas\n",
    );
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it("reports a TypeScript plan that throws while loading as an expected failure", async () => {
    const throwing = join(folder, "throws.plan.ts");
    await writeFile(throwing, 'throw new Error("plans/regions.ts is missing");\nexport default {};\n');

    const result = await kirikae("plan", "validate", throwing);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`✗ ${throwing} could not be loaded\n`);
    expect(result.stderr).toContain("  (module): plans/regions.ts is missing\n");
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  describe("--json", () => {
    it("prints only a JSON document for a valid plan", async () => {
      const result = await kirikae("plan", "validate", "examples/tokyo-singapore.plan.json", "--json");

      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(JSON.parse(result.stdout)).toEqual({
        ok: true,
        file: "examples/tokyo-singapore.plan.json",
        plan: {
          name: "shop",
          regions: ["ap-northeast-1", "ap-southeast-1"],
          activeRegion: "ap-northeast-1",
          standbyRegion: "ap-southeast-1",
          routing: "failover",
          mode: "automatic",
        },
        issues: [],
      });
    });

    it("prints only a JSON document listing every issue of an invalid plan, and exits 1", async () => {
      const result = await kirikae("plan", "validate", "examples/broken.plan.json", "--json");

      expect(result).toMatchObject({ code: 1, stderr: "" });
      const report = JSON.parse(result.stdout);
      expect(Object.keys(report)).toEqual(["ok", "file", "error", "issues"]);
      expect(report).toMatchObject({
        ok: false,
        file: "examples/broken.plan.json",
        error: {
          code: "InvalidPlan",
          message: "examples/broken.plan.json is not a valid plan (10 problems)",
        },
      });
      expect(report.issues).toHaveLength(10);
      expect(report.issues).toContainEqual({
        path: "compute.clusters[0].nodegroups[0].activeSize",
        message: "active size 12 is larger than max size 10",
        hint: "EKS rejects a desired size above the nodegroup's maximum; raise maxSize",
      });
      expect(report.issues).toContainEqual({
        path: "name",
        message:
          "must be lowercase letters, digits and hyphens, starting with a letter, at most 40 characters",
      });
    });

    it("reports a missing file as an issue in the same JSON shape", async () => {
      const missing = join(folder, "nope.plan.json");

      const result = await kirikae("plan", "validate", missing, "--json");

      expect(result).toMatchObject({ code: 1, stderr: "" });
      expect(JSON.parse(result.stdout)).toEqual({
        ok: false,
        file: missing,
        error: { code: "InvalidPlan", message: `cannot read plan file ${missing}`, hint: expect.any(String) },
        issues: [
          { path: "(file)", message: `no such file (looked for ${missing})`, hint: expect.any(String) },
        ],
      });
    });
  });

  describe("usage errors", () => {
    it("says the file argument is missing and exits 2, without ending the process", async () => {
      const result = await kirikae("plan", "validate");

      expect(result.code).toBe(2);
      expect(result.stderr).toContain("error: missing required argument 'file'");
      expect(result.stdout).toBe("");
    });

    it("rejects an unknown option of the subcommand through the injected writers", async () => {
      const result = await kirikae("plan", "validate", "examples/tokyo-singapore.plan.json", "--strict");

      expect(result.code).toBe(2);
      expect(result.stderr).toContain("error: unknown option '--strict'");
    });

    it("prints the subcommand's help on stdout and exits 0", async () => {
      const result = await kirikae("plan", "validate", "--help");

      expect(result.code).toBe(0);
      expect(result.stdout).toContain("Usage: kirikae plan validate [options] <file>");
    });

    it("accepts the global --debug option after the subcommand", async () => {
      const result = await kirikae("plan", "validate", "examples/tokyo-singapore.plan.json", "--debug");

      expect(result.code).toBe(0);
    });
  });
});

describe("failure output", () => {
  it("shows an expected failure as its sentence and what to do, without a stack", () => {
    const error = new KirikaeError("global cluster shop-global is not available", {
      action: "wait for the cluster to become available, then retry",
    });

    const text = formatFailure(error, { debug: false });

    expect(text).toBe(
      "✗ global cluster shop-global is not available; wait for the cluster to become available, then retry\n",
    );
  });

  it("hides an unexpected error's stack unless --debug asks for it", () => {
    const error = new TypeError("cannot read properties of undefined", {
      cause: new Error("socket hang up"),
    });

    const plain = formatFailure(error, { debug: false });
    const debug = formatFailure(error, { debug: true });

    expect(plain).toBe(
      "✗ unexpected error: cannot read properties of undefined; run again with --debug to see where it happened, and report it with that output\n",
    );
    expect(debug).toMatch(STACK_LINE);
    expect(debug).toContain("caused by: Error: socket hang up");
  });
});

describe("the npm bin", () => {
  it("runs the TypeScript CLI without a build step", async () => {
    const run = promisify(execFile);

    const { stdout } = await run(process.execPath, [
      "bin/kirikae.mjs",
      "plan",
      "validate",
      "examples/tokyo-singapore.plan.json",
    ]);

    expect(stdout).toMatch(/^✓ examples\/tokyo-singapore\.plan\.json: plan "shop" is valid/);
  });

  it("exits 1 for an invalid plan", async () => {
    const run = promisify(execFile);

    const outcome = await run(process.execPath, [
      "bin/kirikae.mjs",
      "plan",
      "validate",
      "examples/broken.plan.json",
    ]).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code?: unknown; stderr?: unknown }) => ({ code: error.code, stderr: String(error.stderr) }),
    );

    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain("10 problems found");
    expect(outcome.stderr).not.toMatch(STACK_LINE);
  });
});
