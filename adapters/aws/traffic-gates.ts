import type { Plan } from "../../core/plan/schema.js";
import type { GateChange, TrafficGatesPort } from "../../core/ports/traffic-gates.js";
import { ArcRoutingControlGates } from "./arc-routing-control-gates.js";
import { CloudWatchAlarmGates } from "./cloudwatch-alarm-gates.js";
import type { ClientProvider } from "./region-clients.js";
import { S3ObjectGates } from "./s3-object-gates.js";

/** The gates of whichever kind the plan names. */
export class TrafficGates implements TrafficGatesPort {
  private readonly arc: ArcRoutingControlGates;
  private readonly alarms: CloudWatchAlarmGates;
  private readonly objects: S3ObjectGates;

  constructor(clients: ClientProvider) {
    this.arc = new ArcRoutingControlGates(clients);
    this.alarms = new CloudWatchAlarmGates(clients);
    this.objects = new S3ObjectGates(clients);
  }

  set(plan: Plan, changes: GateChange[]) {
    switch (plan.dns.gates?.kind) {
      case "arc-routing-control":
        return this.arc.set(plan, changes);
      case "s3-object":
        return this.objects.set(plan, changes);
      default:
        return this.alarms.set(plan, changes);
    }
  }
}
