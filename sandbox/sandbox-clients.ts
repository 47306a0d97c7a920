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
import type { ClientClass, RegionClients } from "../adapters/aws/region-clients.js";
import { attachSandbox } from "./attach-sandbox.js";
import type { SandboxEstate } from "./estate.js";
import type { ServiceName } from "./service-model.js";

/** What attachSandbox needs of a client: its middleware stack. */
type SdkClient = Parameters<typeof attachSandbox>[0];

/**
 * Every client the sandbox answers, of one region: what production code asks for by class (`get`), and
 * by name for the tests and the drill, which call AWS as a person would. Both give the same instance.
 */
export interface SandboxRegionClients extends RegionClients {
  rds: RDSClient;
  route53: Route53Client;
  eks: EKSClient;
  cloudtrail: CloudTrailClient;
  cloudwatch: CloudWatchClient;
  sfn: SFNClient;
  eventbridge: EventBridgeClient;
  s3: S3Client;
  /** The audit digests' signing key lives in each control-plane region. */
  kms: KMSClient;
  /** The detector's dead-letter queue, in each control-plane region. */
  sqs: SQSClient;
  /** EC2 Auto Scaling groups of a plan's Auto Scaling blocks. */
  autoscaling: AutoScalingClient;
  /** ECS services of a plan's ECS blocks. */
  ecs: ECSClient;
  /** A plan's custom steps, invoked in the region of their function's ARN. */
  lambda: LambdaClient;
}

// The sandbox answers before signing, so these never leave the process; they only stop the SDK from
// looking for credentials on the machine.
const offlineCredentials = { accessKeyId: "SANDBOX", secretAccessKey: "SANDBOX" };
const ROUTE53_CONTROL_PLANE_REGION = "us-east-1";

type ClientField = Exclude<keyof SandboxRegionClients, "get">;

/** Each client by its name, its class, and the service model that answers it. */
const services: ReadonlyArray<{ field: ClientField; Client: ClientClass<object>; service: ServiceName }> = [
  { field: "rds", Client: RDSClient, service: "rds" },
  { field: "route53", Client: Route53Client, service: "route53" },
  { field: "eks", Client: EKSClient, service: "eks" },
  { field: "cloudtrail", Client: CloudTrailClient, service: "cloudtrail" },
  { field: "cloudwatch", Client: CloudWatchClient, service: "cloudwatch" },
  { field: "sfn", Client: SFNClient, service: "sfn" },
  { field: "eventbridge", Client: EventBridgeClient, service: "eventbridge" },
  { field: "s3", Client: S3Client, service: "s3" },
  { field: "kms", Client: KMSClient, service: "kms" },
  { field: "sqs", Client: SQSClient, service: "sqs" },
  { field: "autoscaling", Client: AutoScalingClient, service: "autoscaling" },
  { field: "ecs", Client: ECSClient, service: "ecs" },
  { field: "lambda", Client: LambdaClient, service: "lambda" },
];

/**
 * The real SDK clients of one region, answered by the sandbox. Each is built the first time it is asked
 * for, by name or by class, as production builds them (aws-client-provider.ts), so a function's first
 * invocation in the sandbox pays for the clients it uses and no others.
 */
export function sandboxClients(
  estate: SandboxEstate,
  region: string,
  principal: string,
  options: { timeoutMs?: number; maxAttempts?: number } = {},
): SandboxRegionClients {
  const base = {
    region,
    credentials: offlineCredentials,
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  };
  const bind = { estate, region, principal, ...options };
  const built = new Map<ClientField, object>();
  const client = ({ field, Client, service }: (typeof services)[number], asked = Client) => {
    let found = built.get(field);
    if (!found) {
      // Route 53 is global: its API, and the model answering it, are in us-east-1 whatever the region.
      const at = service === "route53" ? ROUTE53_CONTROL_PLANE_REGION : region;
      found = attachSandbox(new asked({ ...base, region: at }) as SdkClient, {
        ...bind,
        region: at,
        service,
      });
      built.set(field, found);
    }
    return found;
  };
  const clients = {
    get: <C extends object>(Client: ClientClass<C>): C => {
      // By name too: a deployed bundle (bench/cold-start-harness.ts runs them here) carries its own copy
      // of each class, which it then builds its client from; bundles keep class names (keepNames).
      const entry = services.find(
        (candidate) => candidate.Client === Client || candidate.Client.name === Client.name,
      );
      // A client class no service model answers: production code asked for a service the sandbox lacks.
      if (!entry) throw new Error(`the sandbox has no model of the service behind ${Client.name}`);
      return client(entry, Client) as C;
    },
  };
  for (const entry of services) {
    Object.defineProperty(clients, entry.field, { get: () => client(entry), enumerable: true });
  }
  return clients as SandboxRegionClients;
}
