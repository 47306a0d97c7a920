import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { CliAws } from "../../cli/cli-aws.js";
import type { Terminal } from "../../cli/cli-io.js";
import { SANDBOX_STAGE } from "../../sandbox/sandbox-control-plane.js";
import { testPlan } from "../support/plan-fixtures.js";
import { exampleEstate, kirikaeAgainst } from "../support/readiness-sandbox.js";
import { runKirikae } from "../support/run-kirikae.js";
import { sandboxCli } from "../support/sandbox-cli.js";
import { sandboxStagePerTest } from "../support/sandbox-stage.js";

const ONCALL = "arn:aws:iam::111122223333:user/oncall";
const plan = testPlan();
const stages = sandboxStagePerTest();

async function stage() {
  return stages.start(plan);
}

/** AWS that must not be asked anything: a command that refuses before calling AWS proves it here. */
const untouchable: CliAws = {
  clients: {
    forRegion: () => {
      throw new Error("no AWS call was expected");
    },
    probe: () => {
      throw new Error("no AWS call was expected");
    },
    recoveryCluster: () => {
      throw new Error("no AWS call was expected");
    },
  },
  documents: () => {
    throw new Error("no AWS call was expected");
  },
  callerIdentity: async () => {
    throw new Error("no AWS call was expected");
  },
};

describe("the program", () => {
  it("prints its version from package.json with --version and -V, and exits 0", async () => {
    const manifest = JSON.parse(await readFile("package.json", "utf8")) as { version: string };

    const long = await runKirikae(["--version"]);
    const short = await runKirikae(["-V"]);

    expect(long).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: "" });
    expect(short.stdout).toBe(`${manifest.version}\n`);
  });

  it("lists the commands, the environment and the exit statuses in --help", async () => {
    const help = await runKirikae(["--help"]);

    expect(help.code).toBe(0);
    for (const command of ["watch", "cancel", "completion", "failover", "approve"]) {
      expect(help.stdout).toMatch(new RegExp(`^ {2}${command}\\b`, "m"));
    }
    expect(help.stdout).toContain("--profile <name>");
    expect(help.stdout).toContain("Environment: KIRIKAE_STAGE, KIRIKAE_REGION, AWS_PROFILE");
    expect(help.stdout).toContain("3 AWS unreachable or not authorised");
  });

  it("exits 2 on a usage error, with a JSON document on stdout under --json", async () => {
    const text = await runKirikae(["status", "--stagee", "x"]);
    const json = await runKirikae(["status", "--stagee", "x", "--json"]);

    expect(text.code).toBe(2);
    expect(text.stderr).toContain("error: unknown option '--stagee'");
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      error: {
        code: "Usage",
        message: expect.stringContaining("unknown option '--stagee'"),
        hint: expect.any(String),
      },
    });
  });

  it("exits 2 when no command is given", async () => {
    const result = await runKirikae([]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Usage: kirikae");
  });
});

describe("which stage and region", () => {
  it("takes the stage and region from KIRIKAE_STAGE and KIRIKAE_REGION", async () => {
    const { built, controlPlane: deployed } = await stage();
    const env = { KIRIKAE_STAGE: SANDBOX_STAGE, KIRIKAE_REGION: deployed.region };
    const kirikae = sandboxCli(built, deployed, ONCALL, {}, { env });

    const status = await kirikae("status", "--json");

    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ stage: SANDBOX_STAGE, region: deployed.region });
  });

  it("lets --region win over KIRIKAE_REGION, and KIRIKAE_REGION over AWS_REGION", async () => {
    const { built, controlPlane: deployed } = await stage();
    const env = { KIRIKAE_REGION: "eu-west-1", AWS_REGION: "us-east-1" };
    const kirikae = sandboxCli(built, deployed, ONCALL, {}, { env });
    const fromEnv = sandboxCli(
      built,
      deployed,
      ONCALL,
      {},
      { env: { ...env, KIRIKAE_REGION: deployed.region } },
    );

    const named = await kirikae("status", "--stage", SANDBOX_STAGE, "--region", deployed.region, "--json");
    const variable = await fromEnv("status", "--stage", SANDBOX_STAGE, "--json");

    expect(JSON.parse(named.stdout)).toMatchObject({ region: deployed.region });
    expect(JSON.parse(variable.stdout)).toMatchObject({ region: deployed.region });
  });

  it("takes the profile's region when no region is named", async () => {
    const { built, controlPlane: deployed } = await stage();
    const kirikae = sandboxCli(built, deployed, ONCALL, { defaultRegion: async () => deployed.region });

    const status = await kirikae("status", "--stage", SANDBOX_STAGE, "--json");

    expect(JSON.parse(status.stdout)).toMatchObject({ region: deployed.region });
  });

  it("reads production by default, and names the table it looked for when there is none", async () => {
    const { built, controlPlane: deployed } = await stage();
    const kirikae = sandboxCli(built, deployed, ONCALL);

    const status = await kirikae("status", "--region", deployed.region);

    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/^✗ no DynamoDB table kirikae-production-state in ap-southeast-1/);
  });

  it("never guesses the stage of a command that changes things: no --stage and no KIRIKAE_STAGE is exit 2", async () => {
    for (const argv of [
      ["failover", "--plan", "shop", "--reason", "x"],
      ["failback", "--plan", "shop", "--reason", "x"],
      ["approve", "--plan", "shop", "--reason", "x"],
    ]) {
      const result = await runKirikae([...argv, "--region", "ap-southeast-1"], { aws: untouchable });

      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        "✗ no stage given: a command that changes things does not guess the stage; pass --stage NAME (the SST stage kirikae was deployed as), or set KIRIKAE_STAGE\n",
      );
    }
  });
});

describe("confirming a change to production", () => {
  const production = { env: { KIRIKAE_PRODUCTION_STAGES: SANDBOX_STAGE } };

  function terminal(answer: string, asked: string[]): Terminal {
    return {
      stdoutIsTTY: false,
      stdinIsTTY: true,
      ask: async (question) => {
        asked.push(question);
        return answer;
      },
    };
  }

  it("refuses without a terminal and without --yes, before asking AWS anything, exit 2", async () => {
    for (const argv of [
      ["failover", "--plan", "shop", "--reason", "x", "--stage", "production"],
      ["approve", "--plan", "shop", "--reason", "x", "--stage", "prod-tokyo"],
    ]) {
      const result = await runKirikae([...argv, "--region", "ap-southeast-1"], { aws: untouchable });

      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /is production and this changes it, but there is no terminal to confirm on; pass --yes/,
      );
    }
  });

  it("asks what will change, where and as whom, and starts nothing unless the answer is yes", async () => {
    const { built, controlPlane: deployed } = await stage();
    const asked: string[] = [];
    const declining = sandboxCli(
      built,
      deployed,
      ONCALL,
      {},
      { ...production, terminal: terminal("n", asked) },
    );
    const at = ["--stage", SANDBOX_STAGE, "--region", deployed.region];

    const declined = await declining("failover", "--plan", "shop", "--reason", "maintenance", ...at);

    expect(declined.code).toBe(1);
    expect(declined.stderr).toMatch(
      /^✗ not confirmed: start a failover of plan shop was not started, nothing changed/,
    );
    expect(asked).toEqual([
      `About to start a failover of plan shop.\n  stage sandbox, control plane in ap-southeast-1\n  as ${ONCALL}\n  reason: maintenance\nType yes to go on: `,
    ]);
    expect(built.models.sfn.all()).toEqual([]);
  });

  it("goes on when the person answers yes, or when --yes was given", async () => {
    const { built, controlPlane: deployed } = await stage();
    const confirming = sandboxCli(
      built,
      deployed,
      ONCALL,
      {},
      { ...production, terminal: terminal("yes", []) },
    );
    const scripted = sandboxCli(built, deployed, ONCALL, {}, production);
    const at = ["--stage", SANDBOX_STAGE, "--region", deployed.region];

    const confirmed = await confirming(
      "failover",
      "--plan",
      "shop",
      "--reason",
      "maintenance",
      "--wait",
      ...at,
    );
    const withYes = await scripted(
      "failback",
      "--plan",
      "shop",
      "--reason",
      "back home",
      "--yes",
      "--wait",
      ...at,
    );

    expect(confirmed.code).toBe(0);
    expect(withYes.code).toBe(0);
    expect(built.models.sfn.all().map((execution) => execution.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
  });
});

describe("--plan-file and --plan", () => {
  it("reads a plan file with --plan-file, and still with --plan where a file was always meant, saying so", async () => {
    const { built } = await exampleEstate();
    const file = "examples/tokyo-singapore.plan.json";

    const current = await kirikaeAgainst(built, ["check", "--plan-file", file, "--stage", "sandbox"]);
    const old = await kirikaeAgainst(built, ["check", "--plan", file, "--stage", "sandbox"]);

    expect(current).toMatchObject({ code: 0, stderr: "" });
    expect(old.code).toBe(0);
    expect(old.stderr).toBe(
      `note: --plan ${file} is deprecated here: use --plan-file ${file} (--plan names a deployed plan in the operational commands)\n`,
    );
    expect(old.stdout).toBe(current.stdout);
  });

  it("lists an invalid plan file's problems in one JSON document with --json, exit 2", async () => {
    const folder = await stages.scratch("kirikae-plan-");
    const file = join(folder, "bad.plan.json");
    await writeFile(file, "{}\n");
    const { built } = await exampleEstate();

    const result = await kirikaeAgainst(built, ["check", "--plan-file", file, "--json"]);

    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: false,
      file,
      error: { code: "InvalidPlan", message: expect.any(String), hint: expect.any(String) },
      issues: expect.arrayContaining([expect.objectContaining({ path: "name" })]),
    });
  });
});

describe("shell completion", () => {
  const run = promisify(execFile);

  /** What bash offers for `line` (the words typed, the last one being completed), with the script loaded. */
  async function complete(script: string, line: string[]): Promise<string[]> {
    const folder = await stages.scratch("kirikae-completion-");
    const file = join(folder, "kirikae.bash");
    await writeFile(file, script);
    const words = line.map((word) => `'${word}'`).join(" ");
    const { stdout } = await run("bash", [
      "-c",
      `source '${file}'; COMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}; _kirikae; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ]);
    return stdout.split("\n").filter(Boolean);
  }

  it("prints a bash script, generated from the program, that completes commands, options and choices", async () => {
    const { stdout, code } = await runKirikae(["completion", "bash"]);

    expect(code).toBe(0);
    expect(stdout).toContain("complete -F _kirikae kirikae");
    expect(await complete(stdout, ["kirikae", "wa"])).toEqual(["watch"]);
    expect(await complete(stdout, ["kirikae", "audit", "q"])).toEqual(["query"]);
    expect(await complete(stdout, ["kirikae", "completion", ""])).toEqual(["bash", "zsh"]);
    expect(await complete(stdout, ["kirikae", "drill", "--lang", ""])).toEqual(["en", "ja"]);
    expect(await complete(stdout, ["kirikae", "--profile", "ops", "cancel", "--"])).toEqual(
      expect.arrayContaining(["--reason", "--yes", "--json", "--profile", "--help"]),
    );
    expect(await complete(stdout, ["kirikae", "failover", "--stage", "prod", "--re"])).toEqual([
      "--reason",
      "--region",
    ]);
  });

  it("prints a zsh script that registers the same completion with compdef", async () => {
    const { stdout, code } = await runKirikae(["completion", "zsh"]);

    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toBe("#compdef kirikae");
    expect(stdout).toContain("compdef _kirikae kirikae");
    expect(stdout).toContain('"audit") echo "query verify link export"');
  });

  it("refuses a shell it does not know, exit 2", async () => {
    const result = await runKirikae(["completion", "fish"]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'fish' is invalid for argument 'shell'. Allowed choices are bash, zsh.");
  });
});
