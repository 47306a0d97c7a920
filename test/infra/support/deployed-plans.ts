import { loadPlanFile } from "../../../core/plan/load-plan-file.js";
import type { Plan } from "../../../core/plan/schema.js";
import { validatePlan } from "../../../core/plan/validate-plan.js";

export const TOKYO = "ap-northeast-1";
export const SINGAPORE = "ap-southeast-1";
export const OREGON = "us-west-2";
export const IRELAND = "eu-west-1";
export const VIRGINIA = "us-east-1";
export const SHOP_HEALTH_CHECK = "0f6c1a2e-7b3d-4e5f-8a9b-1c2d3e4f5a6b";

/**
 * The stage the infra tests deploy: both shipped examples. The Tokyo-Singapore plan (alarms in us-east-1
 * and in Tokyo itself) asks kirikae to create its health-check alarm; the weighted plan (Oregon-Ireland,
 * its alarm in us-east-1) manages its own.
 */
export async function deployedPlans(): Promise<{ shop: Plan; payments: Plan }> {
  const shopFile = await loadPlanFile("examples/tokyo-singapore.plan.json");
  const shop = validated({
    ...shopFile,
    triggers: {
      ...shopFile.triggers,
      alarms: shopFile.triggers.alarms.map((alarm) =>
        alarm.name === "shop-tokyo-health-check"
          ? { ...alarm, create: { kind: "health-check", healthCheckId: SHOP_HEALTH_CHECK } }
          : alarm,
      ),
    },
  });
  const payments = await loadPlanFile("test/support/weighted-record-edits.plan.ts");
  return { shop, payments };
}

function validated(document: unknown): Plan {
  const result = validatePlan(document);
  if (!result.ok) throw new Error(`test plan is invalid: ${JSON.stringify(result.issues)}`);
  return result.plan;
}
