import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  InvalidEventPatternException,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
  TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import { describe, expect, it } from "vitest";
import { EventBridgeModel } from "../../sandbox/services/eventbridge-model.js";
import { ACCOUNT, estateWith, SINGAPORE, TOKYO } from "../support/sandbox-fixtures.js";

const DETECTOR = `arn:aws:lambda:${SINGAPORE}:${ACCOUNT}:function:kirikae-test-detectAlarm`;
const ALARM_PATTERN = {
  source: ["aws.cloudwatch"],
  "detail-type": ["CloudWatch Alarm State Change"],
  detail: { alarmName: ["shop-tokyo-5xx"] },
};

function eventbridge() {
  let model: EventBridgeModel | undefined;
  const sandbox = estateWith(() => {
    model = new EventBridgeModel({
      rules: [
        {
          region: SINGAPORE,
          accountId: ACCOUNT,
          name: "alarms",
          pattern: ALARM_PATTERN,
          targets: [{ id: "detector", arn: DETECTOR }],
        },
        ...["a", "b", "c"].map((suffix) => ({
          region: SINGAPORE,
          accountId: ACCOUNT,
          name: `other-${suffix}`,
          pattern: { source: ["aws.ec2"] },
          targets: [],
        })),
      ],
    });
    return [model];
  });
  return { ...sandbox, model: model as EventBridgeModel, client: sandbox.clients(SINGAPORE).eventbridge };
}

function alarmEvent(alarmName: string, state = "ALARM") {
  return JSON.stringify({
    version: "0",
    id: "1",
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: ACCOUNT,
    time: "2026-01-01T00:00:00Z",
    region: TOKYO,
    resources: [`arn:aws:cloudwatch:${TOKYO}:${ACCOUNT}:alarm:${alarmName}`],
    detail: { alarmName, state: { value: state }, previousState: { value: "OK" } },
  });
}

async function matches(client: ReturnType<typeof eventbridge>["client"], pattern: unknown, event: string) {
  const output = await client.send(
    new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: event }),
  );
  return output.Result;
}

describe("sandbox EventBridge", () => {
  it("lists a region's rules on the default bus with their patterns, a page at a time", async () => {
    const { client } = eventbridge();

    const first = await client.send(new ListRulesCommand({ Limit: 2 }));
    const second = await client.send(new ListRulesCommand({ Limit: 2, NextToken: first.NextToken }));

    expect(first.Rules?.map((rule) => rule.Name)).toEqual(["alarms", "other-a"]);
    expect(first.Rules?.[0]).toMatchObject({
      Arn: `arn:aws:events:${SINGAPORE}:${ACCOUNT}:rule/alarms`,
      EventPattern: JSON.stringify(ALARM_PATTERN),
      State: "ENABLED",
      EventBusName: "default",
    });
    expect(second.Rules?.map((rule) => rule.Name)).toEqual(["other-b", "other-c"]);
    expect(second.NextToken).toBeUndefined();
  });

  it("keeps rules regional: another region's endpoint does not know them", async () => {
    const { clients } = eventbridge();
    const tokyo = clients(TOKYO).eventbridge;

    expect((await tokyo.send(new ListRulesCommand({}))).Rules).toEqual([]);
    await expect(tokyo.send(new ListTargetsByRuleCommand({ Rule: "alarms" }))).rejects.toThrow(
      ResourceNotFoundException,
    );
  });

  it("knows every region's default bus, and no custom bus nobody created", async () => {
    const { clients } = eventbridge();

    expect(
      (await clients(TOKYO).eventbridge.send(new ListRulesCommand({ EventBusName: "default" }))).Rules,
    ).toEqual([]);
    await expect(
      clients(SINGAPORE).eventbridge.send(new ListRulesCommand({ EventBusName: "kirikae-alarms" })),
    ).rejects.toThrow(ResourceNotFoundException);
  });

  it("lists a rule's targets, and the rules that target an ARN", async () => {
    const { client } = eventbridge();

    const targets = await client.send(new ListTargetsByRuleCommand({ Rule: "alarms" }));
    const names = await client.send(new ListRuleNamesByTargetCommand({ TargetArn: DETECTOR }));

    expect(targets.Targets).toEqual([{ Id: "detector", Arn: DETECTOR }]);
    expect(names.RuleNames).toEqual(["alarms"]);
  });

  it("judges an event against a pattern as EventBridge does: every field must match, arrays match any element", async () => {
    const { client } = eventbridge();

    expect(await matches(client, ALARM_PATTERN, alarmEvent("shop-tokyo-5xx"))).toBe(true);
    expect(await matches(client, ALARM_PATTERN, alarmEvent("someone-else"))).toBe(false);
    expect(await matches(client, { detail: { state: { value: ["ALARM"] } } }, alarmEvent("x", "OK"))).toBe(
      false,
    );
    expect(
      await matches(
        client,
        { resources: [{ suffix: ":alarm:shop-tokyo-5xx" }] },
        alarmEvent("shop-tokyo-5xx"),
      ),
    ).toBe(true);
  });

  it("supports the operators routing rules use: prefix, anything-but, exists, wildcard", async () => {
    const { client } = eventbridge();
    const event = alarmEvent("shop-tokyo-5xx");

    expect(await matches(client, { detail: { alarmName: [{ prefix: "shop-" }] } }, event)).toBe(true);
    expect(
      await matches(client, { detail: { alarmName: [{ "anything-but": ["shop-tokyo-5xx"] }] } }, event),
    ).toBe(false);
    expect(
      await matches(client, { detail: { alarmName: [{ "anything-but": { prefix: "db-" } }] } }, event),
    ).toBe(true);
    expect(await matches(client, { detail: { missing: [{ exists: false }] } }, event)).toBe(true);
    expect(await matches(client, { detail: { alarmName: [{ wildcard: "shop-*-5xx" }] } }, event)).toBe(true);
  });

  it("refuses a pattern it cannot judge, and an event without the fields EventBridge requires", async () => {
    const { client } = eventbridge();

    await expect(
      client.send(
        new TestEventPatternCommand({
          EventPattern: JSON.stringify({ source: [{ "cidr-ish": "10.0.0.0/8" }] }),
          Event: alarmEvent("x"),
        }),
      ),
    ).rejects.toThrow(InvalidEventPatternException);
    await expect(
      client.send(
        new TestEventPatternCommand({ EventPattern: "{}", Event: JSON.stringify({ source: "x" }) }),
      ),
    ).rejects.toMatchObject({ name: "ValidationException" });
  });

  it("breaks a route the ways people do: disabling the rule, removing its target, deleting it once it has none", async () => {
    const { client, estate } = eventbridge();

    await client.send(new DisableRuleCommand({ Name: "alarms" }));
    expect((await client.send(new DescribeRuleCommand({ Name: "alarms" }))).State).toBe("DISABLED");
    await expect(client.send(new DeleteRuleCommand({ Name: "alarms" }))).rejects.toMatchObject({
      name: "ValidationException",
      message: "Rule can't be deleted since it has targets.",
    });
    const removed = await client.send(new RemoveTargetsCommand({ Rule: "alarms", Ids: ["detector"] }));
    await client.send(new DeleteRuleCommand({ Name: "alarms" }));

    expect(removed.FailedEntryCount).toBe(0);
    await expect(client.send(new DescribeRuleCommand({ Name: "alarms" }))).rejects.toThrow(
      ResourceNotFoundException,
    );
    const changes = estate.calls.filter((call) => call.mutating);
    expect(changes.map((call) => `${call.operation}${call.error ? ` refused: ${call.error}` : ""}`)).toEqual([
      "DisableRule",
      "DeleteRule refused: ValidationException",
      "RemoveTargets",
      "DeleteRule",
    ]);
  });
});
