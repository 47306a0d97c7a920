import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import type { AlarmPort, AlarmState } from "../../core/ports/workflows.js";
import { callAws } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

export class CloudWatchAlarms implements AlarmPort {
  constructor(private readonly clients: ClientProvider) {}

  async state(region: string, alarmName: string): Promise<AlarmState | undefined> {
    const output = await callAws(
      { action: "cloudwatch:DescribeAlarms", resource: `${region}/${alarmName}` },
      () =>
        this.clients
          .forRegion(region)
          .cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] })),
    );
    const alarm = output.MetricAlarms?.[0] ?? output.CompositeAlarms?.[0];
    if (!alarm?.StateValue) return undefined;
    return {
      state: alarm.StateValue,
      updatedAt: (alarm.StateUpdatedTimestamp ?? new Date(0)).toISOString(),
    };
  }
}
