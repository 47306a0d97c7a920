import { describe, expect, it } from "vitest";
import { recordDeadLetters } from "../../core/failover/record-dead-letters.js";
import { signalExecutionName } from "../../core/failover/signal-execution-name.js";
import { PlanCatalog } from "../../core/plan/plan-catalog.js";
import type { AuditPort } from "../../core/ports/audit.js";
import type { DeadLetter, DeadLetterPort } from "../../core/ports/dead-letters.js";
import { useLocalTables } from "../support/local-tables.js";
import { testPlan } from "../support/plan-fixtures.js";

const tables = useLocalTables();
const clock = { now: () => new Date("2026-03-01T04:00:00.000Z"), sleep: async () => undefined };

/** A queue as SQS keeps it: a message stays until it is deleted. */
function queueOf(bodies: string[]): DeadLetterPort & { left: DeadLetter[] } {
  const left = bodies.map((body, index) => ({ messageId: `m-${index}`, receiptHandle: `r-${index}`, body }));
  return {
    left,
    async receive(max) {
      return left.slice(0, max);
    },
    async remove(letter) {
      left.splice(left.indexOf(letter), 1);
    },
  };
}

/** What Lambda sends to the detector's on-failure destination after its last retry. */
function invocationRecord(plan = testPlan()) {
  const alarm = plan.triggers.alarms[0];
  if (!alarm) throw new Error("the plan has no alarm");
  return {
    version: "1.0",
    timestamp: "2026-03-01T03:03:00.000Z",
    requestContext: {
      requestId: "e4b46cbf-b738-xmpl-8880-a18cdf61200e",
      functionArn: "arn:aws:lambda:ap-southeast-1:111122223333:function:kirikae-test-detectAlarm:$LATEST",
      condition: "RetriesExhausted",
      approximateInvokeCount: 3,
    },
    requestPayload: {
      "detail-type": "CloudWatch Alarm State Change",
      source: "aws.cloudwatch",
      region: alarm.region,
      time: "2026-03-01T03:00:05Z",
      detail: { alarmName: alarm.name, state: { value: "ALARM", timestamp: "2026-03-01T03:00:00.000+0000" } },
    },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    responsePayload: {
      errorType: "AuditWriteError",
      errorMessage: "could not append to the audit trail of shop",
    },
  };
}

describe("the detector's dead-letter queue", () => {
  it("puts each lost alarm event in its plan's trail, naming the execution that never started, then deletes it", async () => {
    const plan = testPlan((input) => {
      input.name = "lost-alarm";
    });
    const queue = queueOf([JSON.stringify(invocationRecord(plan))]);
    const alarm = plan.triggers.alarms[0];
    if (!alarm) throw new Error("the plan has no alarm");

    const run = await recordDeadLetters({
      deadLetters: queue,
      audit: tables.audit,
      plans: new PlanCatalog([plan]),
      clock,
      actor: "lambda:kirikae-test-linkEvidence",
    });

    expect(run).toEqual({ recorded: 1, plans: ["lost-alarm"] });
    expect(queue.left).toEqual([]);
    const [record] = await tables.audit.chain("lost-alarm");
    expect(record).toMatchObject({
      action: "alarm.dead-lettered",
      outcome: "failed",
      actor: `alarm:${alarm.region}/${alarm.name}`,
      error: { name: "AuditWriteError", message: "could not append to the audit trail of shop" },
      details: {
        messageId: "m-0",
        condition: "RetriesExhausted",
        attempts: 3,
        executionName: signalExecutionName(
          "lost-alarm",
          { region: alarm.region, name: alarm.name },
          "2026-03-01T03:00:00.000Z",
        ),
      },
    });
  });

  it("keeps a message whose record cannot be written, for the next run", async () => {
    const queue = queueOf([JSON.stringify(invocationRecord())]);
    const failing: AuditPort = {
      append: async () => {
        throw new Error("the audit table is throttling");
      },
    };

    const run = recordDeadLetters({
      deadLetters: queue,
      audit: failing,
      plans: new PlanCatalog([testPlan()]),
      clock,
      actor: "lambda:kirikae-test-linkEvidence",
    });

    await expect(run).rejects.toThrow(/throttling/);
    expect(queue.left).toHaveLength(1);
  });

  it("records a message it cannot read under no plan, with its body", async () => {
    const queue = queueOf(["not json"]);

    await recordDeadLetters({
      deadLetters: queue,
      audit: tables.audit,
      plans: new PlanCatalog([testPlan()]),
      clock,
      actor: "lambda:kirikae-test-linkEvidence",
    });

    const records = await tables.audit.chain("-");
    expect(records.at(-1)).toMatchObject({
      action: "alarm.dead-lettered",
      actor: "lambda:kirikae-test-linkEvidence",
      details: { body: "not json" },
    });
    expect(queue.left).toEqual([]);
  });
});
