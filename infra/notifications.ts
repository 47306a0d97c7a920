import * as aws from "@pulumi/aws";
import { pascalCase, topicName } from "./names.js";

/** A region's notification topic, with the stage's email subscribers (each confirms by email once). */
export function notificationTopic(args: {
  stage: string;
  region: string;
  emails: readonly string[];
  provider: aws.Provider;
}): aws.sns.Topic {
  const { stage, region, emails, provider } = args;
  const prefix = pascalCase(region);
  const topic = new aws.sns.Topic(`${prefix}Notifications`, { name: topicName(stage) }, { provider });
  emails.forEach((email, index) => {
    new aws.sns.TopicSubscription(
      `${prefix}NotificationsEmail${index + 1}`,
      { topic: topic.arn, protocol: "email", endpoint: email },
      { provider },
    );
  });
  return topic;
}
