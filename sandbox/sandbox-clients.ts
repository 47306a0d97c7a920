import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { ECSClient } from "@aws-sdk/client-ecs";
import { EKSClient } from "@aws-sdk/client-eks";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { KMSClient } from "@aws-sdk/client-kms";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { RegionClients } from "../adapters/aws/region-clients.js";

export type { RegionClients };

import { attachSandbox } from "./attach-sandbox.js";
import type { SandboxEstate } from "./estate.js";

// The sandbox answers before signing, so these never leave the process; they only stop the SDK from
// looking for credentials on the machine.
const offlineCredentials = { accessKeyId: "SANDBOX", secretAccessKey: "SANDBOX" };
const ROUTE53_CONTROL_PLANE_REGION = "us-east-1";

/** The real SDK clients of one region, answered by the sandbox. */
export function sandboxClients(
  estate: SandboxEstate,
  region: string,
  principal: string,
  options: { timeoutMs?: number; maxAttempts?: number } = {},
): RegionClients {
  const base = {
    region,
    credentials: offlineCredentials,
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  };
  const bind = { estate, region, principal, ...options };
  return {
    rds: attachSandbox(new RDSClient(base), { ...bind, service: "rds" }),
    route53: attachSandbox(new Route53Client({ ...base, region: ROUTE53_CONTROL_PLANE_REGION }), {
      ...bind,
      region: ROUTE53_CONTROL_PLANE_REGION,
      service: "route53",
    }),
    eks: attachSandbox(new EKSClient(base), { ...bind, service: "eks" }),
    cloudtrail: attachSandbox(new CloudTrailClient(base), { ...bind, service: "cloudtrail" }),
    cloudwatch: attachSandbox(new CloudWatchClient(base), { ...bind, service: "cloudwatch" }),
    sfn: attachSandbox(new SFNClient(base), { ...bind, service: "sfn" }),
    eventbridge: attachSandbox(new EventBridgeClient(base), { ...bind, service: "eventbridge" }),
    s3: attachSandbox(new S3Client(base), { ...bind, service: "s3" }),
    kms: attachSandbox(new KMSClient(base), { ...bind, service: "kms" }),
    sqs: attachSandbox(new SQSClient(base), { ...bind, service: "sqs" }),
    autoscaling: attachSandbox(new AutoScalingClient(base), { ...bind, service: "autoscaling" }),
    ecs: attachSandbox(new ECSClient(base), { ...bind, service: "ecs" }),
    lambda: attachSandbox(new LambdaClient(base), { ...bind, service: "lambda" }),
  };
}
