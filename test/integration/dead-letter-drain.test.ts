import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { functionRoleName } from "../../infra/names.js";
import { accountOf, buildEstate } from "../../sandbox/build-estate.js";
import { sandboxClients } from "../../sandbox/sandbox-clients.js";
import {
  SANDBOX_STAGE,
  type SandboxControlPlane,
  startSandboxControlPlane,
} from "../../sandbox/sandbox-control-plane.js";
import { testPlan } from "../support/plan-fixtures.js";

const plan = testPlan();
let controlPlane: SandboxControlPlane | undefined;

afterEach(async () => {
  await controlPlane?.stop();
  controlPlane = undefined;
});

/** What Lambda sends to the detector's on-failure destination after its last retry. */
function invocationRecord() {
  const alarm = plan.triggers.alarms[0];
  if (!alarm) throw new Error("the plan has no alarm");
  return {
    version: "1.0",
    timestamp: "2026-03-01T03:03:00.000Z",
    requestContext: {
      requestId: "e4b46cbf-b738-xmpl-8880-a18cdf61200e",
      condition: "RetriesExhausted",
      approximateInvokeCount: 3,
    },
    requestPayload: {
      "detail-type": "CloudWatch Alarm State Change",
      source: "aws.cloudwatch",
      region: alarm.region,
      detail: { alarmName: alarm.name, state: { value: "ALARM", timestamp: "2026-03-01T03:00:00.000+0000" } },
    },
    responsePayload: { errorType: "ThrottlingException", errorMessage: "Rate exceeded" },
  };
}

describe("the scheduled evidence linker and the detector's dead-letter queue", () => {
  it("puts an alarm event the detector gave up on into the plan's trail and empties the queue", async () => {
    const built = buildEstate([plan]);
    controlPlane = await startSandboxControlPlane(built, [plan]);
    const { region, deadLetterQueueUrl } = controlPlane;
    // Lambda sends the invocation record with the detector's own role.
    const detectorRole = `arn:aws:sts::${accountOf(plan)}:assumed-role/${functionRoleName(SANDBOX_STAGE, "detectAlarm", region)}/kirikae-detect-alarm`;
    const sqs = sandboxClients(built.estate, region, detectorRole).sqs;
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MessageBody: JSON.stringify(invocationRecord()),
      }),
    );

    const summary = await controlPlane.linkEvidence();

    expect(summary.deadLetters).toEqual({ recorded: 1, plans: ["shop"] });
    const records = await controlPlane.audit.query({ plan: "shop", action: "alarm.dead-lettered" });
    const alarm = plan.triggers.alarms[0];
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      outcome: "failed",
      actor: `alarm:${alarm?.region}/${alarm?.name}`,
      error: { name: "ThrottlingException", message: "Rate exceeded" },
      details: { messageId: sent.MessageId, condition: "RetriesExhausted", attempts: 3 },
    });
    // Deleted, not only hidden: past the linker's visibility timeout nothing comes back. Looked at as an
    // operator: the detector's role may only send to the queue.
    await built.estate.clock.sleep(10 * 60_000);
    const operator = sandboxClients(
      built.estate,
      region,
      `arn:aws:iam::${accountOf(plan)}:user/operator`,
    ).sqs;
    const after = await operator.send(
      new ReceiveMessageCommand({ QueueUrl: deadLetterQueueUrl, MaxNumberOfMessages: 10 }),
    );
    expect(after.Messages).toBeUndefined();
  });

  it("leaves the message queued when its record cannot be written, so the next run records it", async () => {
    const built = buildEstate([plan]);
    controlPlane = await startSandboxControlPlane(built, [plan]);
    const { region, deadLetterQueueUrl } = controlPlane;
    const sqs = sandboxClients(built.estate, region, controlPlane.roles.detector).sqs;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MessageBody: JSON.stringify(invocationRecord()),
      }),
    );
    const linker = controlPlane.linker;
    const append = linker.audit.append.bind(linker.audit);
    let failing = true;
    linker.audit.append = async (entry) => {
      if (failing && entry.action === "alarm.dead-lettered") throw new Error("audit table unavailable");
      return append(entry);
    };

    await expect(controlPlane.linkEvidence()).rejects.toThrow(/audit table unavailable/);
    expect(built.models.sqs.messagesIn(deadLetterQueueUrl)).toHaveLength(1);

    failing = false;
    await built.estate.clock.sleep(10 * 60_000);
    const summary = await controlPlane.linkEvidence();

    expect(summary.deadLetters.recorded).toBe(1);
    expect(built.models.sqs.messagesIn(deadLetterQueueUrl)).toEqual([]);
  });
});
