import {
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  type Rule,
  TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import type { AlarmEventRoute } from "../../core/ports/workflows.js";
import { callAws } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/** The EventBridge event CloudWatch sends when an alarm goes into ALARM, as far as patterns look at it. */
export interface AlarmEvent {
  version: "0";
  id: string;
  "detail-type": "CloudWatch Alarm State Change";
  source: "aws.cloudwatch";
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    alarmName: string;
    state: { value: "ALARM"; reason: string; timestamp: string };
    previousState: { value: "OK"; reason: string; timestamp: string };
  };
}

/**
 * The rules on one event bus that match the event, with their targets. EventBridge itself judges each
 * pattern (TestEventPattern), so every operator it supports is honoured; only rules whose `source` or
 * `detail-type` plainly name something else are passed over without asking.
 */
export async function matchingRules(
  clients: ClientProvider,
  bus: { region: string; name: string },
  event: AlarmEvent,
): Promise<AlarmEventRoute[]> {
  const eventbridge = clients.forRegion(bus.region).get(EventBridgeClient);
  const where = `${bus.region}/${bus.name}`;
  const rules: Rule[] = [];
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const output = await callAws({ action: "events:ListRules", resource: where }, () =>
      eventbridge.send(
        new ListRulesCommand({ EventBusName: bus.name, ...(token ? { NextToken: token } : {}) }),
      ),
    );
    rules.push(...(output.Rules ?? []));
    nextToken = output.NextToken;
  } while (nextToken);

  const text = JSON.stringify(event);
  const tested = await Promise.all(
    rules.map(async (rule) => {
      const { Name: name, EventPattern: pattern } = rule;
      if (!name || !pattern || !mayMatch(pattern, event)) return undefined;
      const output = await callAws({ action: "events:TestEventPattern", resource: `${where}/${name}` }, () =>
        eventbridge.send(new TestEventPatternCommand({ EventPattern: pattern, Event: text })),
      );
      return output.Result === true ? { name, enabled: rule.State !== "DISABLED" } : undefined;
    }),
  );
  return Promise.all(
    tested
      .filter((rule) => rule !== undefined)
      .map(async ({ name, enabled }) => ({
        region: bus.region,
        eventBus: bus.name,
        rule: name,
        enabled,
        targets: await targetsOf(clients, bus, name),
      })),
  );
}

async function targetsOf(
  clients: ClientProvider,
  bus: { region: string; name: string },
  rule: string,
): Promise<string[]> {
  const targets: string[] = [];
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const output = await callAws(
      { action: "events:ListTargetsByRule", resource: `${bus.region}/${bus.name}/${rule}` },
      () =>
        clients
          .forRegion(bus.region)
          .get(EventBridgeClient)
          .send(
            new ListTargetsByRuleCommand({
              Rule: rule,
              EventBusName: bus.name,
              ...(token ? { NextToken: token } : {}),
            }),
          ),
    );
    targets.push(...(output.Targets ?? []).flatMap((target) => (target.Arn ? [target.Arn] : [])));
    nextToken = output.NextToken;
  } while (nextToken);
  return targets;
}

/** False only when the pattern's source or detail-type lists plain values, none of them the event's. */
function mayMatch(pattern: string, event: AlarmEvent): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(pattern);
  } catch {
    return true;
  }
  if (typeof parsed !== "object" || parsed === null) return true;
  const fields = parsed as Record<string, unknown>;
  return (["source", "detail-type"] as const).every((field) => {
    const accepted = fields[field];
    if (!Array.isArray(accepted) || !accepted.every((value) => typeof value === "string")) return true;
    return accepted.includes(event[field]);
  });
}
