import { SNSClient } from "@aws-sdk/client-sns";
import { SnsNotifier } from "../../adapters/aws/sns-notifier.js";
import type { NotifierPort } from "../../core/ports/workflows.js";
import { loadConfig } from "./config.js";

/** The stage's notification topic in this region; only the functions that notify import this. */
export function productionNotifier(): NotifierPort {
  const config = loadConfig(process.env);
  return new SnsNotifier(new SNSClient({ region: config.region }), config.topicArn);
}
