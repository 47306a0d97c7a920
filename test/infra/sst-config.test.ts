import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { FUNCTION, fakeBundler, type MockDeploy, STAGE, underMocks } from "./support/mock-deploy.js";

// The one SST-facing seam: the real bundler would bundle every handler; the test hands in a fake.
const bundled: string[] = [];
vi.mock("../../infra/esbuild-bundler.js", () => ({ esbuildBundler: () => fakeBundler(bundled) }));

interface SstConfig {
  app(input: { stage: string }): {
    removal: string;
    protect: boolean;
    providers: { aws: { version: string } };
  };
  run(): Promise<{ regions: Record<string, unknown>; onCallFailbackPolicy: unknown }>;
}

/** sst.config.ts as SST loads it: `$config` is SST's identity wrapper; $app, $cli and aws are its globals. */
async function loadSstConfig(): Promise<SstConfig> {
  Object.assign(globalThis, { $config: (config: SstConfig) => config });
  const module = (await import(pathToFileURL(resolve("sst.config.ts")).href)) as { default: SstConfig };
  return module.default;
}

describe("sst.config.ts", () => {
  it("retains and protects production, and removes every other stage on teardown", async () => {
    const config = await loadSstConfig();

    expect(config.app({ stage: "production" })).toMatchObject({ removal: "retain", protect: true });
    expect(config.app({ stage: "pr-42" })).toMatchObject({ removal: "remove", protect: false });
  });

  it("pins SST's AWS provider to the @pulumi/aws version the infrastructure is tested with", async () => {
    const config = await loadSstConfig();
    const manifest = JSON.parse(await readFile("package.json", "utf8")) as {
      devDependencies: Record<string, string>;
    };

    expect(config.app({ stage: "dev" }).providers.aws.version).toBe(manifest.devDependencies["@pulumi/aws"]);
  });

  describe("run()", () => {
    let deploy: MockDeploy;

    beforeAll(async () => {
      vi.stubEnv("KIRIKAE_PLANS", "examples/tokyo-singapore.plan.json");
      vi.stubEnv("AWS_PROFILE", "");
      deploy = await underMocks(async () => {
        const aws = await import("@pulumi/aws");
        Object.assign(globalThis, { $app: { stage: STAGE }, $cli: { paths: { root: process.cwd() } }, aws });
        return (await loadSstConfig()).run();
      }, bundled);
      vi.unstubAllEnvs();
    });

    it("deploys the control plane of the plans it is given, in their regions, with the bundler behind its seam", () => {
      expect(Object.keys((deploy.outputs as { regions: object }).regions)).toEqual([
        "ap-northeast-1",
        "ap-southeast-1",
      ]);
      expect(new Set(deploy.ofType(FUNCTION).map((fn) => fn.region))).toEqual(
        new Set(["ap-northeast-1", "ap-southeast-1"]),
      );
      expect(bundled.length).toBeGreaterThan(0);
    });

    it("returns the on-call failback policy as a stack output", () => {
      const { onCallFailbackPolicy } = deploy.outputs as { onCallFailbackPolicy: string };

      expect(JSON.parse(onCallFailbackPolicy).Statement[0].Action).toEqual(["states:StartExecution"]);
    });
  });
});
