import type { AlarmEventRoute, AlarmPort } from "../../core/ports/workflows.js";
import { CloudWatchAlarmStates } from "./cloudwatch-alarm-states.js";
import { type AlarmEvent, matchingRules } from "./eventbridge-alarm-routes.js";

/** The alarms as the readiness check reads them: their states, and the EventBridge rules their events reach. */
export class CloudWatchAlarms extends CloudWatchAlarmStates implements AlarmPort {
  /** Builds the event CloudWatch would send for the alarm, and asks EventBridge which rules take it. */
  async routes(
    alarm: { region: string; name: string },
    bus: { region: string; name: string },
  ): Promise<AlarmEventRoute[]> {
    const found = await this.describe(alarm.region, alarm.name);
    if (!found?.AlarmArn) return [];
    return matchingRules(this.clients, bus, alarmEvent(found.AlarmArn, alarm));
  }
}

function alarmEvent(alarmArn: string, alarm: { region: string; name: string }): AlarmEvent {
  const account = alarmArn.split(":")[4] ?? "";
  // Patterns match on names, regions and states, not on times; a fixed time keeps the event reproducible.
  const timestamp = "1970-01-01T00:00:00.000+0000";
  return {
    version: "0",
    id: "00000000-0000-0000-0000-000000000000",
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account,
    time: "1970-01-01T00:00:00Z",
    region: alarm.region,
    resources: [alarmArn],
    detail: {
      alarmName: alarm.name,
      state: { value: "ALARM", reason: "kirikae readiness check", timestamp },
      previousState: { value: "OK", reason: "kirikae readiness check", timestamp },
    },
  };
}
