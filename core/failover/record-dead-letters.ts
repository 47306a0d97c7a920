import { z } from "zod";
import type { Clock } from "../clock.js";
import type { PlanCatalog } from "../plan/plan-catalog.js";
import type { AuditPort } from "../ports/audit.js";
import type { DeadLetter, DeadLetterPort } from "../ports/dead-letters.js";
import { signalExecutionName } from "./signal-execution-name.js";

export interface DeadLetterDeps {
  deadLetters: DeadLetterPort;
  audit: AuditPort;
  plans: PlanCatalog;
  clock: Clock;
  /** The identity of the function draining the queue, recorded beside the alarm it was about. */
  actor: string;
}

/**
 * What Lambda sends to an asynchronous invocation's on-failure destination: the event as requestPayload,
 * why it gave up in requestContext, the last error in responsePayload (Lambda developer guide,
 * "Capturing records of Lambda asynchronous invocations", invocation record). Loose: a record we cannot
 * read is still audited, with its body.
 */
const invocationRecordSchema = z.looseObject({
  timestamp: z.string().optional(),
  requestContext: z
    .looseObject({
      requestId: z.string().optional(),
      condition: z.string().optional(),
      approximateInvokeCount: z.number().optional(),
    })
    .optional(),
  requestPayload: z
    .looseObject({
      region: z.string().optional(),
      detail: z
        .looseObject({
          alarmName: z.string().optional(),
          state: z.looseObject({ value: z.string().optional(), timestamp: z.string().optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
  responsePayload: z
    .looseObject({ errorType: z.string().optional(), errorMessage: z.string().optional() })
    .nullish(),
});

export interface DeadLetterRun {
  recorded: number;
  /** Plans whose alarm events were lost to the detector: each may need a failover by hand. */
  plans: string[];
}

/** SQS's largest batch (ReceiveMessage, MaxNumberOfMessages: 1-10). */
const BATCH = 10;

/**
 * No silent gaps: an alarm event the detector failed on, after Lambda's retries, sits in the dead-letter
 * queue, where its alarm already paged someone; this puts it in the plan's audit trail too, where the
 * report and `audit verify` look.
 *   1. read a batch from the queue, up to `maxBatches` batches a run
 *   2. for each message: audit "alarm.dead-lettered" under the alarm's plan (or "-" when no plan names
 *      it or the record cannot be read), with the alarm, the execution the detector would have started,
 *      the last error and the message itself
 *   3. delete the message only after its record is written: a failed append leaves it for the next run
 * A message SQS delivers twice may be recorded twice; both records carry its message ID.
 */
export async function recordDeadLetters(
  deps: DeadLetterDeps,
  options: { maxBatches?: number } = {},
): Promise<DeadLetterRun> {
  const run: DeadLetterRun = { recorded: 0, plans: [] };
  for (let batch = 0; batch < (options.maxBatches ?? 10); batch++) {
    const letters = await deps.deadLetters.receive(BATCH);
    if (letters.length === 0) break;
    for (const letter of letters) {
      const plan = await recordOne(deps, letter);
      await deps.deadLetters.remove(letter);
      run.recorded++;
      if (plan !== "-" && !run.plans.includes(plan)) run.plans.push(plan);
    }
  }
  return run;
}

async function recordOne(deps: DeadLetterDeps, letter: DeadLetter): Promise<string> {
  const record = invocationRecordSchema.safeParse(parseJson(letter.body));
  const parsed = record.success ? record.data : undefined;
  const event = parsed?.requestPayload;
  const alarmName = event?.detail?.alarmName;
  const region = event?.region;
  const stateChangedAt = event?.detail?.state?.timestamp;
  const plan = alarmName && region ? deps.plans.forAlarm(alarmName, region) : undefined;
  const executionName =
    plan && alarmName && region && stateChangedAt && !Number.isNaN(Date.parse(normalise(stateChangedAt)))
      ? signalExecutionName(plan.name, { region, name: alarmName }, normalise(stateChangedAt))
      : undefined;
  const error = parsed?.responsePayload;
  await deps.audit.append({
    plan: plan?.name ?? "-",
    executionId: "-",
    kind: "decision",
    action: "alarm.dead-lettered",
    actor: alarmName && region ? `alarm:${region}/${alarmName}` : deps.actor,
    at: deps.clock.now().toISOString(),
    ...(alarmName && region ? { resource: `${region}/${alarmName}` } : {}),
    outcome: "failed",
    error: {
      name: error?.errorType ?? "DetectorFailed",
      message: error?.errorMessage ?? "the detector failed on this event after every retry",
    },
    details: {
      messageId: letter.messageId,
      drainedBy: deps.actor,
      ...(parsed?.requestContext?.requestId ? { lambdaRequestId: parsed.requestContext.requestId } : {}),
      ...(parsed?.requestContext?.condition ? { condition: parsed.requestContext.condition } : {}),
      ...(parsed?.requestContext?.approximateInvokeCount
        ? { attempts: parsed.requestContext.approximateInvokeCount }
        : {}),
      ...(event?.detail?.state?.value ? { alarmState: event.detail.state.value } : {}),
      ...(stateChangedAt ? { alarmTime: stateChangedAt } : {}),
      ...(executionName ? { executionName } : {}),
      body: truncate(letter.body),
      next: plan
        ? `no failover was started for this alarm by the detector: check \`kirikae status --plan ${plan.name}\` and start one by hand if the region is still failing`
        : "no plan was acted on: check the event and the detector's logs",
    },
  });
  return plan?.name ?? "-";
}

/** CloudWatch writes "+0000"; Date and the detector want "+00:00" (as the detector's event schema does). */
function normalise(timestamp: string): string {
  return timestamp.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function truncate(text: string, max = 4_000): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
