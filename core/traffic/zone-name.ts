import type { Plan } from "../plan/schema.js";

/** The hosted zone's apex: the plan's own word, or the first record's parent (app.example.com -> example.com). */
export function zoneNameOf(plan: Pick<Plan, "dns">): string {
  if (plan.dns.zoneName !== undefined) return plan.dns.zoneName.replace(/\.$/, "");
  const [first] = plan.dns.records;
  return first ? first.name.replace(/\.$/, "").split(".").slice(1).join(".") : "";
}
