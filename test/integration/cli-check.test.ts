import { describe, expect, it } from "vitest";
import {
  type ClientProvider,
  lazyRegionClients,
  type RegionClients,
} from "../../adapters/aws/region-clients.js";
import type { CheckReport } from "../../cli/commands/check.js";
import { exampleEstate, kirikaeAgainst, sandboxAws } from "../support/readiness-sandbox.js";

/** A line of a JavaScript stack trace, which a person must never see for an expected failure. */
const STACK_LINE = /^\s+at /m;
const CHECK = ["check", "--plan-file", "examples/tokyo-singapore.plan.json", "--stage", "sandbox"];

describe("kirikae check", () => {
  it("prints a readiness table with a passing row per resource and exits 0 for a ready estate", async () => {
    const { built } = await exampleEstate();

    const result = await kirikaeAgainst(built, CHECK);

    expect(result).toMatchObject({ code: 0, stderr: "" });
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe(
      "kirikae check: plan shop (ap-northeast-1 active, ap-southeast-1 standby), stage sandbox",
    );
    expect(lines[2]).toMatch(/^\s+check\s+region\s+resource\s+expected\s+actual$/);
    expect(lines.filter((line) => line.startsWith("  ✓  "))).toHaveLength(23);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}✓ {2}compute\.nodegroup\s+ap-southeast-1\s+shop-singapore\/web\s+max ≥ 6 \(its active size\)\s+max 10, desired 2, ACTIVE$/,
      ),
    );
    expect(result.stdout).toContain("✓ shop is ready: all 23 checks passed\n");
  });

  it("exits 1 and names the gap, with what to do, when a standby nodegroup cannot reach its active size", async () => {
    const { built } = await exampleEstate();
    built.models.eks.setNodegroupMax("ap-southeast-1", "shop-singapore", "web", 4);

    const result = await kirikaeAgainst(built, CHECK);

    expect(result.code).toBe(1);
    const lines = result.stdout.split("\n");
    const row = lines.findIndex((line) => line.startsWith("  ✗  "));
    expect(lines[row]).toMatch(
      /^ {2}✗ {2}compute\.nodegroup\s+ap-southeast-1\s+shop-singapore\/web\s+max ≥ 6 \(its active size\)\s+max 4, desired 2, ACTIVE$/,
    );
    expect(lines[row + 1]).toBe(
      "       what to do: raise its max size: aws eks update-nodegroup-config --region ap-southeast-1 --cluster-name shop-singapore --nodegroup-name web --scaling-config maxSize=10",
    );
    expect(result.stdout).toContain("✗ shop is not ready: 1 gap in 23 checks\n");
  });

  it("exits 1 and marks a region that does not answer with ?, checking the rest", async () => {
    const { built } = await exampleEstate();
    built.estate.addFault({ kind: "region-down", region: "ap-northeast-1" });

    const result = await kirikaeAgainst(built, CHECK);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^ {2}\? {2}compute\.cluster\s+ap-northeast-1\s+shop-tokyo\s+ACTIVE\s+no answer/m,
    );
    expect(result.stdout).toContain("✗ shop is not ready: 9 gaps in 23 checks, 8 of them unreachable\n");
  });

  it("prints one JSON document with every finding for --json", async () => {
    const { built } = await exampleEstate();
    built.models.rds.setReplicationLag(
      "arn:aws:rds:ap-southeast-1:111122223333:cluster:shop-singapore",
      600_000,
    );

    const result = await kirikaeAgainst(built, [...CHECK, "--json"]);

    expect(result).toMatchObject({ code: 1, stderr: "" });
    const report = JSON.parse(result.stdout) as CheckReport;
    expect(report).toMatchObject({
      ok: false,
      plan: "shop",
      stage: "sandbox",
      regions: ["ap-northeast-1", "ap-southeast-1", "us-east-1"],
      summary: { checks: 23, passed: 22, gaps: 1, unreachable: 0 },
    });
    expect("findings" in report && report.findings.filter((finding) => !finding.ok)).toEqual([
      expect.objectContaining({ check: "database.lag", actual: "10.0 min", hint: expect.any(String) }),
    ]);
  });

  it("checks only the regions named with --region", async () => {
    const { built } = await exampleEstate();

    const result = await kirikaeAgainst(built, [...CHECK, "--region", "us-east-1", "--json"]);

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as CheckReport;
    expect("findings" in report && report.findings.map((finding) => finding.check)).toEqual([
      "alarm.exists",
      "alarm.route",
    ]);
  });

  it("exits 2 with one line when --region names a region the plan does not", async () => {
    const { built } = await exampleEstate();

    const result = await kirikaeAgainst(built, [...CHECK, "--region", "eu-west-1"]);

    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        '✗ plan "shop" names no resources in eu-west-1; name one of the plan\'s regions: ap-northeast-1, ap-southeast-1, us-east-1\n',
    });
  });

  it("lists every problem of an invalid plan, exits 2, and reads nothing from AWS", async () => {
    const { built } = await exampleEstate();

    const result = await kirikaeAgainst(built, ["check", "--plan-file", "examples/broken.plan.json"]);

    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")[0]).toBe(
      "✗ examples/broken.plan.json is not a valid plan (10 problems)",
    );
    expect(result.stderr).toContain("  compute.clusters: no EKS cluster for region ap-southeast-1\n");
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(built.estate.calls).toEqual([]);
  });

  it("reports an invalid plan as one JSON document with its issues for --json", async () => {
    const { built } = await exampleEstate();

    const result = await kirikaeAgainst(built, [
      "check",
      "--plan-file",
      "examples/broken.plan.json",
      "--json",
    ]);

    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as CheckReport;
    expect(report).toMatchObject({
      ok: false,
      file: "examples/broken.plan.json",
      error: { code: "InvalidPlan" },
    });
    expect("issues" in report && report.issues).toHaveLength(10);
  });

  it("says in one line which read was denied on which resource, and exits 3 without a stack trace", async () => {
    const { built } = await exampleEstate();
    built.estate.addFault({
      kind: "fail",
      operation: "DescribeCluster",
      times: 10,
      error: "AccessDeniedException",
      region: "ap-southeast-1",
    });

    const result = await kirikaeAgainst(built, CHECK);

    expect(result).toEqual({
      code: 3,
      stdout: "",
      stderr:
        "✗ access denied: eks:DescribeCluster on ap-southeast-1/shop-singapore; allow eks:DescribeCluster to the identity running the check (`aws sts get-caller-identity` names it); the check only reads\n",
    });
  });

  it("says in one line that there are no credentials, and exits 3 without a stack trace", async () => {
    const { built } = await exampleEstate();

    const result = await kirikaeAgainst(built, CHECK, sandboxAws(built, { clients: withoutCredentials() }));

    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /^✗ no AWS credentials found for \S+ on \S+; set AWS_PROFILE, run `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then run the check again\n$/,
    );
  });

  it("documents the stage option, its default and the detector it implies in --help", async () => {
    const { built } = await exampleEstate();

    const result = await kirikaeAgainst(built, ["check", "--help"]);

    expect(result.code).toBe(0);
    const help = result.stdout.replace(/\s+/g, " ");
    expect(help).toContain(
      "its detector, kirikae-<stage>-detectAlarm (default: KIRIKAE_STAGE, else production)",
    );
    expect(help).toContain("(default: every region the plan names)");
    expect(help).toContain("Exit status: 0 ready, 1 any gap");
  });
});

/**
 * Real SDK clients whose credential chain finds nothing, as on a machine with no AWS configuration: the
 * SDK fails while signing, before any request leaves. The endpoint is a closed local port all the same.
 */
function withoutCredentials(): ClientProvider {
  const noCredentials = async () => {
    throw Object.assign(new Error("Could not load credentials from any providers"), {
      name: "CredentialsProviderError",
    });
  };
  const clients = (region: string): RegionClients => {
    const config = { region, credentials: noCredentials, endpoint: "http://127.0.0.1:9", maxAttempts: 1 };
    return lazyRegionClients((Client) => new Client(config));
  };
  return {
    forRegion: clients,
    probe: clients,
    recoveryCluster: (endpoint, Client) =>
      new Client({
        region: endpoint.region,
        credentials: noCredentials,
        endpoint: "http://127.0.0.1:9",
        maxAttempts: 1,
      }),
  };
}
