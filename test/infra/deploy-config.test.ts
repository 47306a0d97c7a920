import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadDeployConfig } from "../../infra/deploy-config.js";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kirikae-deploy-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("what a deploy reads from the environment", () => {
  it("deploys every plan in plans/ when KIRIKAE_PLANS is not set, with eventual consistency and no subscribers", async () => {
    await mkdir(join(root, "plans"));
    await copyFile("examples/tokyo-singapore.plan.json", join(root, "plans", "shop.plan.json"));
    await copyFile("README.md", join(root, "plans", "notes.md"));

    const config = await loadDeployConfig({}, { root });

    expect(config.plans.map((plan) => plan.name)).toEqual(["shop"]);
    expect(config.notifyEmails).toEqual([]);
    expect(config.stateConsistency).toEqual({ mode: "eventual" });
  });

  it("deploys the plans KIRIKAE_PLANS names, JSON or TypeScript, relative to the project", async () => {
    const config = await loadDeployConfig(
      { KIRIKAE_PLANS: "examples/tokyo-singapore.plan.json, test/support/weighted-record-edits.plan.ts" },
      { root: resolve(".") },
    );

    expect(config.plans.map((plan) => plan.name)).toEqual(["shop", "payments-api"]);
  });

  it("subscribes the listed addresses and makes the state table strongly consistent when a witness is named", async () => {
    const config = await loadDeployConfig(
      {
        KIRIKAE_PLANS: "examples/tokyo-singapore.plan.json",
        KIRIKAE_NOTIFY_EMAILS: "oncall@example.com, sre@example.com",
        KIRIKAE_STATE_WITNESS_REGION: "us-east-1",
      },
      { root: resolve(".") },
    );

    expect(config.notifyEmails).toEqual(["oncall@example.com", "sre@example.com"]);
    expect(config.stateConsistency).toEqual({ mode: "strong", witnessRegion: "us-east-1" });
  });

  it("says what to do when there is no plan to deploy, or an address is not one", async () => {
    await expect(loadDeployConfig({}, { root })).rejects.toThrow(
      /put plan files .* in plans\/, or name them in KIRIKAE_PLANS/,
    );
    await expect(
      loadDeployConfig(
        { KIRIKAE_PLANS: "examples/tokyo-singapore.plan.json", KIRIKAE_NOTIFY_EMAILS: "oncall" },
        { root: resolve(".") },
      ),
    ).rejects.toThrow(/KIRIKAE_NOTIFY_EMAILS .*: oncall/);
  });

  it("names the audit tables' break-glass role only when one is given, and refuses anything but a role", async () => {
    const plans = { KIRIKAE_PLANS: "examples/tokyo-singapore.plan.json" };
    const role = "arn:aws:iam::111122223333:role/ops/kirikae-break-glass";

    const without = await loadDeployConfig(plans, { root: resolve(".") });
    const named = await loadDeployConfig(
      { ...plans, KIRIKAE_BREAK_GLASS_ROLE_ARN: role },
      { root: resolve(".") },
    );

    expect(without.breakGlassRoleArn).toBeUndefined();
    expect(named.breakGlassRoleArn).toBe(role);
    await expect(
      loadDeployConfig(
        { ...plans, KIRIKAE_BREAK_GLASS_ROLE_ARN: "arn:aws:iam::111122223333:user/alice" },
        { root: resolve(".") },
      ),
    ).rejects.toThrow(/KIRIKAE_BREAK_GLASS_ROLE_ARN is not an IAM role ARN/);
  });

  it("refuses an invalid plan with the plan's own path-precise error", async () => {
    await expect(
      loadDeployConfig({ KIRIKAE_PLANS: "examples/broken.plan.json" }, { root: resolve(".") }),
    ).rejects.toThrow(/is not a valid plan/);
  });
});
