import { createHash, randomUUID } from "node:crypto";
import { QueueDoesNotExist, ReceiptHandleIsInvalid } from "@aws-sdk/client-sqs";
import { sqsQueueUrl } from "../../infra/names.js";
import {
  errorMetadata,
  type ModelContext,
  type SandboxCall,
  type ServiceModel,
  type TrailResource,
} from "../service-model.js";

export interface SqsSeed {
  /** Standard queues, as infra creates them; each lives in one region of one account. */
  queues: Array<{ region: string; account: string; name: string; retentionSeconds?: number }>;
}

interface QueuedMessage {
  messageId: string;
  body: string;
  sentAtMs: number;
  /** Until when a receive hides it (the visibility timeout); 0 while visible. */
  invisibleUntilMs: number;
  /** The handle of the most recent receive: only it deletes the message. */
  receiptHandle?: string;
  receiveCount: number;
}

interface Queue {
  region: string;
  url: string;
  arn: string;
  retentionMs: number;
  messages: QueuedMessage[];
}

/** CreateQueue's defaults (SQS API reference, "CreateQueue": VisibilityTimeout 30 s, retention 4 days). */
const DEFAULT_VISIBILITY_SECONDS = 30;
const DEFAULT_RETENTION_SECONDS = 4 * 24 * 3600;
/** ReceiveMessage's MaxNumberOfMessages: 1 to 10, default 1; WaitTimeSeconds at most 20. */
const MAX_BATCH = 10;
const MAX_WAIT_SECONDS = 20;

/**
 * Just enough SQS for the detector's dead-letter queue, after the SQS API reference
 * (docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/):
 *   - SendMessage answers the MessageId and the MD5 of the body.
 *   - ReceiveMessage hands out up to MaxNumberOfMessages (1-10, default 1) visible messages, oldest first,
 *     each with a new ReceiptHandle, and hides them for VisibilityTimeout seconds (default the queue's,
 *     30 s); a message not deleted by then is visible again and is received again, with a new handle and
 *     a higher ApproximateReceiveCount. With WaitTimeSeconds (long polling) an empty queue is waited on.
 *     No messages: the response has no Messages member at all.
 *   - DeleteMessage takes a receipt handle, not the message ID. An old handle of a message received
 *     since "succeeds, but the message might not be deleted": here it is not. A handle SQS never issued
 *     is ReceiptHandleIsInvalid.
 *   - Messages older than the queue's retention period are gone. A queue URL naming no queue of the
 *     endpoint's region is QueueDoesNotExist.
 * Short polling's sampling of a subset of servers (an empty answer while messages wait) is not modelled.
 * SQS's message calls are data events in CloudTrail, not management events, so none is mutating here:
 * the evidence linker looks for none.
 */
export class SqsModel implements ServiceModel {
  readonly service = "sqs" as const;
  readonly eventSource = "sqs.amazonaws.com";
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly estate: Pick<ModelContext, "clock">,
    seed: SqsSeed,
  ) {
    for (const queue of seed.queues) {
      const url = sqsQueueUrl(queue.region, queue.account, queue.name);
      this.queues.set(url, {
        region: queue.region,
        url,
        arn: `arn:aws:sqs:${queue.region}:${queue.account}:${queue.name}`,
        retentionMs: (queue.retentionSeconds ?? DEFAULT_RETENTION_SECONDS) * 1000,
        messages: [],
      });
    }
  }

  isMutating(): boolean {
    return false;
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    const queue = this.queues.get(String(call.input.QueueUrl ?? ""));
    return queue ? [{ ResourceType: "AWS::SQS::Queue", ResourceName: queue.arn }] : [];
  }

  async handle(call: SandboxCall): Promise<Record<string, unknown>> {
    switch (call.operation) {
      case "SendMessage":
        return this.send(call);
      case "ReceiveMessage":
        return this.receive(call);
      case "DeleteMessage":
        return this.remove(call);
      default:
        throw new Error(`the sandbox does not model sqs:${call.operation}`);
    }
  }

  /** What a queue holds, in flight or not, for tests to see what is left. */
  messagesIn(url: string): ReadonlyArray<{ messageId: string; body: string; receiveCount: number }> {
    const queue = this.queues.get(url);
    if (!queue) return [];
    this.expire(queue);
    return queue.messages.map(({ messageId, body, receiveCount }) => ({ messageId, body, receiveCount }));
  }

  private send(call: SandboxCall): Record<string, unknown> {
    const queue = this.queue(call);
    const body = String(call.input.MessageBody ?? "");
    const messageId = randomUUID();
    const delayMs = Number(call.input.DelaySeconds ?? 0) * 1000;
    const now = this.estate.clock.now().getTime();
    queue.messages.push({
      messageId,
      body,
      sentAtMs: now,
      invisibleUntilMs: delayMs > 0 ? now + delayMs : 0,
      receiveCount: 0,
    });
    return { MessageId: messageId, MD5OfMessageBody: md5(body) };
  }

  private async receive(call: SandboxCall): Promise<Record<string, unknown>> {
    const queue = this.queue(call);
    const max = Math.min(MAX_BATCH, Math.max(1, Number(call.input.MaxNumberOfMessages ?? 1)));
    const visibilityMs = Number(call.input.VisibilityTimeout ?? DEFAULT_VISIBILITY_SECONDS) * 1000;
    const waitMs = Math.min(MAX_WAIT_SECONDS, Number(call.input.WaitTimeSeconds ?? 0)) * 1000;
    let visible = this.visible(queue);
    if (visible.length === 0 && waitMs > 0) {
      // Long polling: the call returns when a message arrives or the wait ends, whichever is first.
      const deadline = this.estate.clock.now().getTime() + waitMs;
      while (visible.length === 0 && this.estate.clock.now().getTime() < deadline) {
        await this.estate.clock.sleep(Math.min(1_000, deadline - this.estate.clock.now().getTime()));
        visible = this.visible(queue);
      }
    }
    const now = this.estate.clock.now().getTime();
    const taken = visible.slice(0, max);
    for (const message of taken) {
      message.receiveCount++;
      message.receiptHandle = `${message.messageId}#${randomUUID()}`;
      message.invisibleUntilMs = now + visibilityMs;
    }
    if (taken.length === 0) return {};
    return {
      Messages: taken.map((message) => ({
        MessageId: message.messageId,
        ReceiptHandle: message.receiptHandle,
        MD5OfBody: md5(message.body),
        Body: message.body,
        Attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(message.sentAtMs),
        },
      })),
    };
  }

  private remove(call: SandboxCall): Record<string, unknown> {
    const queue = this.queue(call);
    const handle = String(call.input.ReceiptHandle ?? "");
    const messageId = handle.split("#")[0] ?? "";
    const index = queue.messages.findIndex((message) => message.messageId === messageId);
    const message = queue.messages[index];
    if (!message) {
      // A handle of a message already deleted or expired still names an issued message: SQS accepts it.
      if (handle.includes("#")) return {};
      throw new ReceiptHandleIsInvalid({
        message: `The input receipt handle "${handle}" is not a valid receipt handle.`,
        $metadata: errorMetadata(call),
      });
    }
    // Only the latest receive's handle deletes; an older one succeeds and leaves the message.
    if (message.receiptHandle === handle) queue.messages.splice(index, 1);
    return {};
  }

  private visible(queue: Queue): QueuedMessage[] {
    this.expire(queue);
    const now = this.estate.clock.now().getTime();
    return queue.messages.filter((message) => message.invisibleUntilMs <= now);
  }

  private expire(queue: Queue): void {
    const oldest = this.estate.clock.now().getTime() - queue.retentionMs;
    queue.messages = queue.messages.filter((message) => message.sentAtMs > oldest);
  }

  private queue(call: SandboxCall): Queue {
    const url = String(call.input.QueueUrl ?? "");
    const queue = this.queues.get(url);
    if (!queue || queue.region !== call.region) {
      throw new QueueDoesNotExist({
        message: "The specified queue does not exist.",
        $metadata: errorMetadata(call),
      });
    }
    return queue;
  }
}

function md5(text: string): string {
  return createHash("md5").update(text).digest("hex");
}
