import type { BuiltEstate } from "../build-estate.js";
import type { AlarmStateChangeEvent } from "../services/cloudwatch-model.js";

export interface AlarmRoutingOptions {
  built: BuiltEstate;
  /** The detector function's name, as the alarm rules target it. */
  detectorName: string;
  /** Whether an alarm (by name and region) triggers a failover of a plan the drill watches. */
  isTrigger(name: string, region: string): boolean;
  /** Where each trigger alarm's state change is recorded: reached the detector, or lost with its region. */
  alarmEvents: { delivered: string[]; lost: string[] };
  note(text: string): void;
  /** Hands an event that reached the detector over for delivery; `label` names it for narration. */
  deliver(event: AlarmStateChangeEvent, label: string): void;
}

/**
 * Alarm events travel as on AWS: through the EventBridge rules infra deploys, from the alarm's region to
 * the detector in the standby region. An event whose region is down never arrives. One drill's plan or a
 * whole fleet's: each trigger alarm's event goes through the same rules to the same detector.
 */
export function routeTriggerAlarms(options: AlarmRoutingOptions): void {
  const { built, alarmEvents, note } = options;
  const { estate, models } = built;
  models.cloudwatch.onAlarmStateChange((event) => {
    if (!options.isTrigger(event.detail.alarmName, event.region)) return;
    const label = `${event.detail.alarmName} (${event.region}) ${event.detail.state.value}`;
    const reached = models.eventbridge.route(event, (region) => estate.isRegionUp(region));
    if (!reached.some((arn) => arn.endsWith(`:function:${options.detectorName}`))) {
      // The rules carry ALARM only; a return to OK reaching no one is by design, not a loss.
      if (event.detail.state.value !== "ALARM") return;
      alarmEvents.lost.push(label);
      const why = estate.isRegionUp(event.region) ? "" : `: ${event.region} does not answer`;
      note(`alarm ${label}: its event never reaches the detector${why}`);
      return;
    }
    alarmEvents.delivered.push(label);
    options.deliver(event, label);
  });
}
