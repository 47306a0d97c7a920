import { CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from "@aws-sdk/client-cloudwatch";
import type { AlarmPort, AlarmState } from "../../core/ports/workflows.js";
import { callAws } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/**
 * The alarms' states alone (alarms.describe), for the hold's flap check: apart from CloudWatchAlarms'
 * routes, so the function that only reads states does not bundle EventBridge.
 */
export class CloudWatchAlarmStates implements Pick<AlarmPort, "state"> {
  constructor(protected readonly clients: ClientProvider) {}

  async state(region: string, alarmName: string): Promise<AlarmState | undefined> {
    const alarm = await this.describe(region, alarmName);
    if (!alarm?.StateValue) return undefined;
    return {
      state: alarm.StateValue,
      updatedAt: (alarm.StateUpdatedTimestamp ?? new Date(0)).toISOString(),
    };
  }

  protected async describe(region: string, alarmName: string) {
    const output = await callAws(
      { action: "cloudwatch:DescribeAlarms", resource: `${region}/${alarmName}` },
      () =>
        this.clients
          .forRegion(region)
          .get(CloudWatchClient)
          .send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] })),
    );
    return (output.MetricAlarms?.[0] ?? output.CompositeAlarms?.[0]) as
      | Pick<MetricAlarm, "AlarmArn" | "StateValue" | "StateUpdatedTimestamp">
      | undefined;
  }
}
