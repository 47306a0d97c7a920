import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { DeadLetter, DeadLetterPort } from "../../core/ports/dead-letters.js";
import { callAws } from "./aws-errors.js";
import type { ClientProvider } from "./region-clients.js";

/**
 * Long enough to append a record and delete the message; a reader that dies before deleting lets the
 * message reappear for the next run after this, rather than hiding it for the queue's default 30 s only.
 */
const VISIBILITY_TIMEOUT_SECONDS = 120;
/**
 * Long polling, briefly: a short poll samples only some of SQS's servers and can answer empty while a
 * message waits (SQS developer guide, "Amazon SQS short and long polling"); a long poll asks them all.
 * One second bounds what an empty queue costs each scheduled run.
 */
const WAIT_TIME_SECONDS = 1;

/**
 * The detector's dead-letter queue over SQS: ReceiveMessage and DeleteMessage on its URL, built from its
 * name (infra/names.ts), so the reader's role needs nothing else on the queue.
 */
export class SqsDeadLetters implements DeadLetterPort {
  constructor(
    private readonly clients: ClientProvider,
    private readonly region: string,
    private readonly queueUrl: string,
  ) {}

  async receive(max: number): Promise<DeadLetter[]> {
    const output = await callAws({ action: "sqs:ReceiveMessage", resource: this.queueUrl }, () =>
      this.clients
        .forRegion(this.region)
        .get(SQSClient)
        .send(
          new ReceiveMessageCommand({
            QueueUrl: this.queueUrl,
            // SQS takes 1 to 10 (SQS API reference, "ReceiveMessage").
            MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
            VisibilityTimeout: VISIBILITY_TIMEOUT_SECONDS,
            WaitTimeSeconds: WAIT_TIME_SECONDS,
          }),
        ),
    );
    return (output.Messages ?? []).flatMap((message) =>
      // A message without a handle cannot be deleted and one without an ID cannot be told apart: SQS
      // always sends both, so this only guards the types.
      message.MessageId && message.ReceiptHandle
        ? [{ messageId: message.MessageId, receiptHandle: message.ReceiptHandle, body: message.Body ?? "" }]
        : [],
    );
  }

  async remove(letter: DeadLetter): Promise<void> {
    await callAws({ action: "sqs:DeleteMessage", resource: this.queueUrl }, () =>
      this.clients
        .forRegion(this.region)
        .get(SQSClient)
        .send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: letter.receiptHandle })),
    );
  }
}
