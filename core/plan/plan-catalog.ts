import type { Plan } from "./schema.js";

/** The plans a control plane serves, looked up by name or by one of their trigger alarms. */
export class PlanCatalog {
  private readonly byName: Map<string, Plan>;

  constructor(plans: readonly Plan[]) {
    this.byName = new Map(plans.map((plan) => [plan.name, plan]));
  }

  get(name: string): Plan | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  forAlarm(alarmName: string, region: string): Plan | undefined {
    for (const plan of this.byName.values()) {
      if (plan.triggers.alarms.some((alarm) => alarm.name === alarmName && alarm.region === region))
        return plan;
    }
    return undefined;
  }
}
