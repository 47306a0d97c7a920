import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { NotifierPort } from "../../core/ports/workflows.js";
import { callAws } from "./aws-errors.js";

export class SnsNotifier implements NotifierPort {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async notify(subject: string, message: string, details: Record<string, unknown>): Promise<void> {
    await callAws({ action: "sns:Publish", resource: this.topicArn }, () =>
      this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          // SNS subjects are limited to 100 characters.
          Subject: subject.slice(0, 100),
          Message: `${message}\n\n${JSON.stringify(details, null, 2)}`,
        }),
      ),
    );
  }
}
