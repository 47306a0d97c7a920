import { DescribeAlarmsCommand, type MetricAlarm } from "@aws-sdk/client-cloudwatch";
import type { AlarmEventRoute, AlarmPort, AlarmState } from "../../core/ports/workflows.js";
import { callAws } from "./aws-errors.js";
import { type AlarmEvent, matchingRules } from "./eventbridge-alarm-routes.js";
import type { ClientProvider } from "./region-clients.js";

export class CloudWatchAlarms implements AlarmPort {
  constructor(private readonly clients: ClientProvider) {}

  async state(region: string, alarmName: string): Promise<AlarmState | undefined> {
    const alarm = await this.describe(region, alarmName);
    if (!alarm?.StateValue) return undefined;
    return {
      state: alarm.StateValue,
      updatedAt: (alarm.StateUpdatedTimestamp ?? new Date(0)).toISOString(),
    };
  }

  /** Builds the event CloudWatch would send for the alarm, and asks EventBridge which rules take it. */
  async routes(
    alarm: { region: string; name: string },
    bus: { region: string; name: string },
  ): Promise<AlarmEventRoute[]> {
    const found = await this.describe(alarm.region, alarm.name);
    if (!found?.AlarmArn) return [];
    return matchingRules(this.clients, bus, alarmEvent(found.AlarmArn, alarm));
  }

  private async describe(region: string, alarmName: string) {
    const output = await callAws(
      { action: "cloudwatch:DescribeAlarms", resource: `${region}/${alarmName}` },
      () =>
        this.clients
          .forRegion(region)
          .cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] })),
    );
    return (output.MetricAlarms?.[0] ?? output.CompositeAlarms?.[0]) as
      | Pick<MetricAlarm, "AlarmArn" | "StateValue" | "StateUpdatedTimestamp">
      | undefined;
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
