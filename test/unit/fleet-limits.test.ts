import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { validatePlan } from "../../core/plan/validate-plan.js";
import { AccountLimiter } from "../../sandbox/account-limits.js";
import {
  DEFAULT_FLEET_TEMPLATE,
  FleetTemplateError,
  generatePlans,
} from "../../sandbox/drill/generate-plans.js";
import type { SandboxCall } from "../../sandbox/service-model.js";
import { VirtualClock } from "../../sandbox/virtual-clock.js";

const template = JSON.parse(await readFile(DEFAULT_FLEET_TEMPLATE, "utf8")) as unknown;

function call(
  operation: string,
  service: SandboxCall["service"] = "cloudtrail",
  region = "ap-southeast-1",
): SandboxCall {
  return {
    service,
    region,
    operation,
    input: {},
    requestId: "r",
    principal: "arn:aws:sts::111122223333:assumed-role/kirikae-role/kirikae-fn",
    at: new Date(0),
  };
}

describe("the account's shared limits", () => {
  it("lets LookupEvents through twice a second per account and region, refusing the third in AWS's words", () => {
    const clock = new VirtualClock();
    const limiter = new AccountLimiter(clock, () => 0);

    limiter.admit(call("LookupEvents"));
    limiter.admit(call("LookupEvents"));
    const refused = (() => {
      try {
        limiter.admit(call("LookupEvents"));
      } catch (error) {
        return error as Error;
      }
    })();
    limiter.admit(call("LookupEvents", "cloudtrail", "us-east-1"));
    clock.advance(500);
    limiter.admit(call("LookupEvents"));

    expect(refused?.name).toBe("ThrottlingException");
    expect(refused?.message).toBe("Rate exceeded");
    expect(limiter.throttled()).toEqual({ "cloudtrail:LookupEvents": 1 });
  });

  it("holds Lambda's concurrent executions to the limit until a slot is freed", () => {
    const limiter = new AccountLimiter(new VirtualClock(), () => 0, { lambdaConcurrentExecutions: 1 });

    const first = limiter.acquireLambda("111122223333", "ap-southeast-1");
    const second = limiter.acquireLambda("111122223333", "ap-southeast-1");
    first?.();
    const third = limiter.acquireLambda("111122223333", "ap-southeast-1");

    expect(first).toBeTypeOf("function");
    expect(second).toBeUndefined();
    expect(third).toBeTypeOf("function");
    expect(limiter.peakLambdaConcurrency()).toBe(1);
  });
});

describe("generated plans", () => {
  it("gives twenty valid plans, each with resources of its own, all active in one region with one standby", () => {
    const plans = generatePlans(template, 20).map((entry) => entry.plan);

    const distinct = (values: string[]) => new Set(values).size;
    expect(plans).toHaveLength(20);
    expect(distinct(plans.map((plan) => plan.name))).toBe(20);
    expect(distinct(plans.map((plan) => plan.database.globalClusterIdentifier))).toBe(20);
    expect(distinct(plans.map((plan) => plan.dns.hostedZoneId))).toBe(20);
    expect(distinct(plans.flatMap((plan) => plan.compute.clusters.map((cluster) => cluster.name)))).toBe(40);
    expect(distinct(plans.flatMap((plan) => plan.triggers.alarms.map((alarm) => alarm.name)))).toBe(60);
    expect(new Set(plans.map((plan) => `${plan.activeRegion}/${plan.regions.join(",")}`)).size).toBe(1);
    for (const { document } of generatePlans(template, 2)) expect(validatePlan(document).ok).toBe(true);
  });

  it("refuses a template that is not a plan, saying what to give", () => {
    expect(() => generatePlans(["not", "a", "plan"], 2)).toThrow(FleetTemplateError);
    expect(() => generatePlans({ name: "x" }, 2)).toThrow(/copy 01 of the template is not a valid plan/);
  });
});
