import { AutoScalingServiceException } from "@aws-sdk/client-auto-scaling";
import { AccessDeniedException as CloudTrailAccessDenied } from "@aws-sdk/client-cloudtrail";
import { CloudWatchServiceException } from "@aws-sdk/client-cloudwatch";
import { AccessDeniedException as EcsAccessDenied } from "@aws-sdk/client-ecs";
import { AccessDeniedException as EksAccessDenied } from "@aws-sdk/client-eks";
import { AccessDeniedException as EventBridgeAccessDenied } from "@aws-sdk/client-eventbridge";
import { KMSServiceException } from "@aws-sdk/client-kms";
import { LambdaServiceException } from "@aws-sdk/client-lambda";
import { RDSServiceException } from "@aws-sdk/client-rds";
import { Route53ServiceException } from "@aws-sdk/client-route-53";
import { AccessDeniedException as ArcAccessDenied } from "@aws-sdk/client-route53-recovery-cluster";
import { AccessDenied as S3AccessDenied } from "@aws-sdk/client-s3";
import { SFNServiceException } from "@aws-sdk/client-sfn";
import { SQSServiceException } from "@aws-sdk/client-sqs";
import type { ResponseMetadata } from "@smithy/types";
import type { SandboxCall, ServiceName } from "../service-model.js";
import { SandboxIamError } from "./iam-errors.js";
import type { ContextValue } from "./policy-evaluator.js";

/**
 * Which IAM actions each modelled API call needs, on which resources, with which condition keys: one
 * entry per (service, operation) the sandbox's models answer, read from the Service Authorization
 * Reference (docs.aws.amazon.com/service-authorization/latest/reference/, the page named on each service
 * below). A resource type marked required there is authorised against the ARN the request names; an action
 * with no resource type is authorised against "*", so only a statement whose Resource covers "*" allows it.
 * A list call that names no resource is authorised against "*" too: kirikae always names what it reads.
 *
 * Adding a service model: add its entry here, keyed by its ServiceName, with
 *   - `reference`: the Service Authorization Reference page it follows;
 *   - `denied`: the SDK's own AccessDenied exception of that client (a modelled class where the client has
 *     one, else its ServiceException base with AWS's error code for the protocol);
 *   - `operations`: every operation its `handle` answers, each returning the authorisations it needs.
 * A call with no entry fails as a SandboxIamError, so a model cannot answer calls IAM never saw. Where only
 * the model knows an ARN (an ID AWS generated), the model exposes `iamResources(call)` and the entry uses
 * `env.modelResources(call)`.
 */

/** One action on the resources it is authorised against, with the request's service condition keys. */
export interface Authorization {
  action: string;
  resources: readonly string[];
  /** Service-specific condition keys; the global ones (aws:RequestedRegion, ...) are added for every call. */
  context?: Readonly<Record<string, ContextValue | undefined>>;
}

/** What resolves the ARNs a request names only by name or alias. */
export interface ResourceDirectory {
  /** A KMS key as KMS resolves a KeyId (key ID, key ARN, alias name or alias ARN) in a region. */
  kmsKey(region: string, keyId: string): { arn: string; aliases: readonly string[] } | undefined;
  /** A managed nodegroup's ARN, which ends in an ID EKS generated. */
  nodegroupArn(region: string, cluster: string, nodegroup: string): string | undefined;
  /** The ARNs a model says a call is authorised against (its `iamResources`), if it says. */
  modelResources(call: SandboxCall): readonly string[] | undefined;
}

export interface AuthorizationEnv {
  partition: string;
  /** The caller's account: every resource kirikae touches is in its own account. */
  account: string;
  directory: ResourceDirectory;
}

type OperationRule = (call: SandboxCall, env: AuthorizationEnv) => readonly Authorization[];

export interface ServiceAuthorization {
  /** The Service Authorization Reference page the entries follow. */
  reference: string;
  /** The exception the service's SDK client throws for AccessDenied, as the wire protocol names it. */
  denied(message: string, $metadata: ResponseMetadata): Error;
  operations: Readonly<Record<string, OperationRule>>;
}

const REFERENCE = "https://docs.aws.amazon.com/service-authorization/latest/reference";

/** For a client with no modelled AccessDenied class: its ServiceException base, under AWS's error code. */
function unmodelled(
  Base: new (options: {
    name: string;
    $fault: "client";
    $metadata: ResponseMetadata;
    message: string;
  }) => Error,
  code: "AccessDenied" | "AccessDeniedException",
): ServiceAuthorization["denied"] {
  return (message, $metadata) => new Base({ name: code, $fault: "client", $metadata, message });
}

const one = (action: string, resources: readonly string[], context?: Authorization["context"]) => [
  { action, resources, ...(context ? { context } : {}) },
];

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function texts(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function regional(env: AuthorizationEnv, service: string, region: string, resource: string): string {
  return `arn:${env.partition}:${service}:${region}:${env.account}:${resource}`;
}

// --- Amazon RDS (list_amazonrds.html) -------------------------------------------------------------------

/** A DB cluster identifier is a name in the endpoint's region or, across regions, the cluster's ARN. */
function dbClusterArn(call: SandboxCall, env: AuthorizationEnv, identifier: unknown): string {
  const id = text(identifier) ?? "";
  return id.startsWith("arn:") ? id : regional(env, "rds", call.region, `cluster:${id}`);
}

/** Global clusters have no region in their ARN. */
function globalClusterArn(env: AuthorizationEnv, identifier: unknown): string {
  const id = text(identifier) ?? "";
  return id.startsWith("arn:") ? id : `arn:${env.partition}:rds::${env.account}:global-cluster:${id}`;
}

const rds: ServiceAuthorization = {
  reference: `${REFERENCE}/list_amazonrds.html`,
  // The Query protocol's code (RDS API reference, "Common errors").
  denied: unmodelled(RDSServiceException, "AccessDenied"),
  operations: {
    DescribeGlobalClusters: (call, env) =>
      one("rds:DescribeGlobalClusters", [
        call.input.GlobalClusterIdentifier === undefined
          ? "*"
          : globalClusterArn(env, call.input.GlobalClusterIdentifier),
      ]),
    DescribeDBClusters: (call, env) =>
      one("rds:DescribeDBClusters", [
        call.input.DBClusterIdentifier === undefined
          ? "*"
          : dbClusterArn(call, env, call.input.DBClusterIdentifier),
      ]),
    // Both require the global-cluster and the cluster (the target being promoted) resource types.
    SwitchoverGlobalCluster: (call, env) =>
      one("rds:SwitchoverGlobalCluster", [
        globalClusterArn(env, call.input.GlobalClusterIdentifier),
        dbClusterArn(call, env, call.input.TargetDbClusterIdentifier),
      ]),
    FailoverGlobalCluster: (call, env) =>
      one("rds:FailoverGlobalCluster", [
        globalClusterArn(env, call.input.GlobalClusterIdentifier),
        dbClusterArn(call, env, call.input.TargetDbClusterIdentifier),
      ]),
  },
};

// --- Amazon Route 53 (list_amazonroute53.html) ---------------------------------------------------------

/** Route 53 ARNs have neither region nor account: arn:aws:route53:::hostedzone/ID. */
function route53Arn(
  env: AuthorizationEnv,
  type: "hostedzone" | "change" | "healthcheck",
  id: unknown,
): string {
  const bare = (text(id) ?? "").replace(/^\/?(hostedzone|change)\//, "");
  return `arn:${env.partition}:route53:::${type}/${bare}`;
}

/**
 * The record names of a change batch as route53:ChangeResourceRecordSetsNormalizedRecordNames has them:
 * lower case, no trailing dot, octal escapes (\052 for *) turned back into their characters.
 */
function normalizedRecordName(name: string): string {
  return name
    .replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)))
    .toLowerCase()
    .replace(/\.$/, "");
}

interface ChangeShape {
  Action?: unknown;
  ResourceRecordSet?: { Name?: unknown; Type?: unknown };
}

const route53: ServiceAuthorization = {
  reference: `${REFERENCE}/list_amazonroute53.html`,
  // A REST-XML service with no modelled class: the error code is AccessDenied.
  denied: unmodelled(Route53ServiceException, "AccessDenied"),
  operations: {
    ListResourceRecordSets: (call, env) =>
      one("route53:ListResourceRecordSets", [route53Arn(env, "hostedzone", call.input.HostedZoneId)]),
    ChangeResourceRecordSets: (call, env) => {
      const changes = ((call.input.ChangeBatch as { Changes?: unknown } | undefined)?.Changes ??
        []) as ChangeShape[];
      return one(
        "route53:ChangeResourceRecordSets",
        [route53Arn(env, "hostedzone", call.input.HostedZoneId)],
        {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": changes.map((change) =>
            normalizedRecordName(String(change.ResourceRecordSet?.Name ?? "")),
          ),
          "route53:ChangeResourceRecordSetsRecordTypes": changes.map((change) =>
            String(change.ResourceRecordSet?.Type ?? ""),
          ),
          "route53:ChangeResourceRecordSetsActions": changes.map((change) => String(change.Action ?? "")),
        },
      );
    },
    GetChange: (call, env) => one("route53:GetChange", [route53Arn(env, "change", call.input.Id)]),
    GetHealthCheckStatus: (call, env) =>
      one("route53:GetHealthCheckStatus", [route53Arn(env, "healthcheck", call.input.HealthCheckId)]),
    GetHealthCheck: (call, env) =>
      one("route53:GetHealthCheck", [route53Arn(env, "healthcheck", call.input.HealthCheckId)]),
    DeleteHealthCheck: (call, env) =>
      one("route53:DeleteHealthCheck", [route53Arn(env, "healthcheck", call.input.HealthCheckId)]),
    GetHostedZone: (call, env) =>
      one("route53:GetHostedZone", [route53Arn(env, "hostedzone", call.input.Id)]),
    // No resource type.
    TestDNSAnswer: () => one("route53:TestDNSAnswer", ["*"]),
  },
};

// --- Amazon Route 53 Recovery Cluster (list_amazonroute53recoverycluster.html) --------------------------

const routingControls = (call: SandboxCall): string[] => {
  if (typeof call.input.RoutingControlArn === "string") return [call.input.RoutingControlArn];
  const entries = (call.input.UpdateRoutingControlStateEntries ?? []) as Array<{
    RoutingControlArn?: unknown;
  }>;
  return entries.map((entry) => String(entry.RoutingControlArn ?? ""));
};

const arcCluster: ServiceAuthorization = {
  reference: `${REFERENCE}/list_amazonroute53recoverycluster.html`,
  denied: (message, $metadata) => new ArcAccessDenied({ message, $metadata }),
  operations: {
    // Each routing control the request reads or changes (the routingcontrol resource type).
    GetRoutingControlState: (call) =>
      one("route53-recovery-cluster:GetRoutingControlState", routingControls(call)),
    UpdateRoutingControlState: (call) =>
      one("route53-recovery-cluster:UpdateRoutingControlState", routingControls(call)),
    UpdateRoutingControlStates: (call) =>
      one("route53-recovery-cluster:UpdateRoutingControlStates", routingControls(call)),
    ListRoutingControls: () => one("route53-recovery-cluster:ListRoutingControls", ["*"]),
  },
};

// --- Amazon EKS (list_amazonelastickubernetesservice.html) ---------------------------------------------

function eksClusterArn(call: SandboxCall, env: AuthorizationEnv, name: unknown): string {
  return regional(env, "eks", call.region, `cluster/${text(name) ?? ""}`);
}

/**
 * A nodegroup's ARN ends in the ID EKS gave it. One that does not exist has none: the name's ARN with "*"
 * for the ID stands for it, so a policy that would cover it lets EKS answer ResourceNotFoundException.
 */
function nodegroupArn(call: SandboxCall, env: AuthorizationEnv): string {
  const cluster = text(call.input.clusterName) ?? text(call.input.name) ?? "";
  const nodegroup = text(call.input.nodegroupName) ?? "";
  return (
    env.directory.nodegroupArn(call.region, cluster, nodegroup) ??
    regional(env, "eks", call.region, `nodegroup/${cluster}/${nodegroup}/*`)
  );
}

const eks: ServiceAuthorization = {
  reference: `${REFERENCE}/list_amazonelastickubernetesservice.html`,
  denied: (message, $metadata) => new EksAccessDenied({ message, $metadata }),
  operations: {
    DescribeCluster: (call, env) => one("eks:DescribeCluster", [eksClusterArn(call, env, call.input.name)]),
    ListNodegroups: (call, env) =>
      one("eks:ListNodegroups", [eksClusterArn(call, env, call.input.clusterName)]),
    DescribeNodegroup: (call, env) => one("eks:DescribeNodegroup", [nodegroupArn(call, env)]),
    UpdateNodegroupConfig: (call, env) => one("eks:UpdateNodegroupConfig", [nodegroupArn(call, env)]),
    // The cluster is required; the nodegroup too when the update is a nodegroup's.
    DescribeUpdate: (call, env) =>
      one("eks:DescribeUpdate", [
        eksClusterArn(call, env, call.input.name),
        ...(call.input.nodegroupName === undefined ? [] : [nodegroupArn(call, env)]),
      ]),
  },
};

// --- AWS CloudTrail (list_awscloudtrail.html) ----------------------------------------------------------

const cloudtrail: ServiceAuthorization = {
  reference: `${REFERENCE}/list_awscloudtrail.html`,
  denied: (message, $metadata) => new CloudTrailAccessDenied({ message, $metadata }),
  // No resource type.
  operations: { LookupEvents: () => one("cloudtrail:LookupEvents", ["*"]) },
};

// --- Amazon CloudWatch (list_amazoncloudwatch.html) ----------------------------------------------------

function alarmArns(call: SandboxCall, env: AuthorizationEnv): string[] {
  const names = [
    ...texts(call.input.AlarmNames),
    ...(text(call.input.AlarmName) ? [String(call.input.AlarmName)] : []),
  ];
  return names.length === 0
    ? ["*"]
    : names.map((name) => regional(env, "cloudwatch", call.region, `alarm:${name}`));
}

const cloudwatch: ServiceAuthorization = {
  reference: `${REFERENCE}/list_amazoncloudwatch.html`,
  // CloudWatch keeps the Query protocol's error codes (awsQueryCompatible).
  denied: unmodelled(CloudWatchServiceException, "AccessDenied"),
  operations: {
    DescribeAlarms: (call, env) => one("cloudwatch:DescribeAlarms", alarmArns(call, env)),
    SetAlarmState: (call, env) => one("cloudwatch:SetAlarmState", alarmArns(call, env)),
    DeleteAlarms: (call, env) => one("cloudwatch:DeleteAlarms", alarmArns(call, env)),
    // Neither has a resource type; PutMetricData is scoped by the cloudwatch:namespace condition key.
    GetMetricData: () => one("cloudwatch:GetMetricData", ["*"]),
    PutMetricData: (call) =>
      one("cloudwatch:PutMetricData", ["*"], { "cloudwatch:namespace": text(call.input.Namespace) }),
  },
};

// --- AWS Step Functions (list_awsstepfunctions.html) ---------------------------------------------------

const sfn: ServiceAuthorization = {
  reference: `${REFERENCE}/list_awsstepfunctions.html`,
  denied: unmodelled(SFNServiceException, "AccessDeniedException"),
  operations: {
    StartExecution: (call) => one("states:StartExecution", [text(call.input.stateMachineArn) ?? ""]),
    ListExecutions: (call) => one("states:ListExecutions", [text(call.input.stateMachineArn) ?? ""]),
    DescribeExecution: (call) => one("states:DescribeExecution", [text(call.input.executionArn) ?? ""]),
    GetExecutionHistory: (call) => one("states:GetExecutionHistory", [text(call.input.executionArn) ?? ""]),
    StopExecution: (call) => one("states:StopExecution", [text(call.input.executionArn) ?? ""]),
    // Task tokens name no resource: the callback actions have no resource type.
    SendTaskSuccess: () => one("states:SendTaskSuccess", ["*"]),
    SendTaskFailure: () => one("states:SendTaskFailure", ["*"]),
  },
};

// --- Amazon EventBridge (list_amazoneventbridge.html) --------------------------------------------------

/** A rule on the default bus is rule/NAME; on another bus, rule/BUS/NAME. */
function ruleArn(call: SandboxCall, env: AuthorizationEnv, name: unknown): string {
  const bus = (text(call.input.EventBusName) ?? "default").replace(/^arn:.*:event-bus\//, "");
  const path = bus === "default" ? text(name) : `${bus}/${text(name) ?? ""}`;
  return regional(env, "events", call.region, `rule/${path ?? ""}`);
}

const eventbridge: ServiceAuthorization = {
  reference: `${REFERENCE}/list_amazoneventbridge.html`,
  denied: (message, $metadata) => new EventBridgeAccessDenied({ message, $metadata }),
  operations: {
    // Neither has a resource type.
    ListRules: () => one("events:ListRules", ["*"]),
    TestEventPattern: () => one("events:TestEventPattern", ["*"]),
    // The request names a target, not a rule.
    ListRuleNamesByTarget: () => one("events:ListRuleNamesByTarget", ["*"]),
    DescribeRule: (call, env) => one("events:DescribeRule", [ruleArn(call, env, call.input.Name)]),
    ListTargetsByRule: (call, env) => one("events:ListTargetsByRule", [ruleArn(call, env, call.input.Rule)]),
    DisableRule: (call, env) => one("events:DisableRule", [ruleArn(call, env, call.input.Name)]),
    EnableRule: (call, env) => one("events:EnableRule", [ruleArn(call, env, call.input.Name)]),
    DeleteRule: (call, env) => one("events:DeleteRule", [ruleArn(call, env, call.input.Name)]),
    RemoveTargets: (call, env) => one("events:RemoveTargets", [ruleArn(call, env, call.input.Rule)]),
  },
};

// --- Amazon S3 (list_amazons3.html) --------------------------------------------------------------------

/** Objects and buckets have neither region nor account in their ARNs. */
function objectArn(call: SandboxCall, env: AuthorizationEnv): string {
  return `arn:${env.partition}:s3:::${text(call.input.Bucket) ?? ""}/${text(call.input.Key) ?? ""}`;
}

function isoDate(value: unknown): string | undefined {
  return value instanceof Date ? value.toISOString() : text(value);
}

const s3: ServiceAuthorization = {
  reference: `${REFERENCE}/list_amazons3.html`,
  denied: (message, $metadata) => new S3AccessDenied({ message, $metadata }),
  operations: {
    /**
     * PutObject on the object; a put that sets its own retention or legal hold needs
     * s3:PutObjectRetention or s3:PutObjectLegalHold on it as well (S3 user guide, "Using S3 Object Lock").
     */
    PutObject: (call, env) => {
      const object = [objectArn(call, env)];
      const context = {
        "s3:if-none-match": text(call.input.IfNoneMatch),
        "s3:object-lock-mode": text(call.input.ObjectLockMode),
        "s3:object-lock-retain-until-date": isoDate(call.input.ObjectLockRetainUntilDate),
        "s3:object-lock-legal-hold": text(call.input.ObjectLockLegalHoldStatus),
      };
      return [
        { action: "s3:PutObject", resources: object, context },
        ...(call.input.ObjectLockMode !== undefined || call.input.ObjectLockRetainUntilDate !== undefined
          ? [{ action: "s3:PutObjectRetention", resources: object, context }]
          : []),
        ...(call.input.ObjectLockLegalHoldStatus === undefined
          ? []
          : [{ action: "s3:PutObjectLegalHold", resources: object, context }]),
      ];
    },
    GetObject: (call, env) =>
      one(call.input.VersionId === undefined ? "s3:GetObject" : "s3:GetObjectVersion", [
        objectArn(call, env),
      ]),
    DeleteObject: (call, env) =>
      one(call.input.VersionId === undefined ? "s3:DeleteObject" : "s3:DeleteObjectVersion", [
        objectArn(call, env),
      ]),
    // ListBucket on the bucket; s3:prefix is the empty string when the request names none.
    ListObjectsV2: (call, env) =>
      one("s3:ListBucket", [`arn:${env.partition}:s3:::${text(call.input.Bucket) ?? ""}`], {
        "s3:prefix": typeof call.input.Prefix === "string" ? call.input.Prefix : "",
        "s3:delimiter": text(call.input.Delimiter),
        "s3:max-keys": call.input.MaxKeys === undefined ? undefined : String(call.input.MaxKeys),
      }),
  },
};

// --- AWS Key Management Service (list_awskeymanagementservice.html) ------------------------------------

/**
 * The key a KeyId resolves to, and the kms:ResourceAliases and kms:RequestAlias condition keys (KMS
 * developer guide, "Use aliases to control access to KMS keys"). A KeyId that resolves to no key is
 * authorised as named, so IAM refuses what the caller may not see before KMS says it is not there.
 */
function kmsKey(
  call: SandboxCall,
  env: AuthorizationEnv,
): { arn: string; context: Authorization["context"] } {
  const keyId = text(call.input.KeyId) ?? "";
  const key = env.directory.kmsKey(call.region, keyId);
  const alias = keyId.startsWith("alias/")
    ? keyId
    : /^arn:[^:]+:kms:[^:]*:[^:]*:(alias\/.+)$/.exec(keyId)?.[1];
  const named = keyId.startsWith("arn:") ? keyId : regional(env, "kms", call.region, alias ?? `key/${keyId}`);
  return {
    arn: key?.arn ?? named,
    context: {
      "kms:ResourceAliases": key?.aliases.filter((name) => name.startsWith("alias/")),
      "kms:RequestAlias": alias,
    },
  };
}

const kms: ServiceAuthorization = {
  reference: `${REFERENCE}/list_awskeymanagementservice.html`,
  denied: unmodelled(KMSServiceException, "AccessDeniedException"),
  operations: {
    Sign: (call, env) => {
      const key = kmsKey(call, env);
      return one("kms:Sign", [key.arn], {
        ...key.context,
        "kms:SigningAlgorithm": text(call.input.SigningAlgorithm),
        "kms:MessageType": text(call.input.MessageType),
      });
    },
    GetPublicKey: (call, env) => {
      const key = kmsKey(call, env);
      return one("kms:GetPublicKey", [key.arn], key.context);
    },
  },
};

// --- Amazon SQS (list_amazonsqs.html) ------------------------------------------------------------------

/** https://sqs.REGION.amazonaws.com/ACCOUNT/NAME -> arn:aws:sqs:REGION:ACCOUNT:NAME. */
function queueArn(call: SandboxCall, env: AuthorizationEnv): string {
  const url = text(call.input.QueueUrl) ?? "";
  const [account, name] = url.replace(/^https?:\/\/[^/]+\//, "").split("/");
  return `arn:${env.partition}:sqs:${call.region}:${account ?? env.account}:${name ?? ""}`;
}

const sqs: ServiceAuthorization = {
  reference: `${REFERENCE}/list_amazonsqs.html`,
  // SQS keeps the Query protocol's error codes (awsQueryCompatible).
  denied: unmodelled(SQSServiceException, "AccessDenied"),
  operations: {
    SendMessage: (call, env) => one("sqs:SendMessage", [queueArn(call, env)]),
    ReceiveMessage: (call, env) => one("sqs:ReceiveMessage", [queueArn(call, env)]),
    DeleteMessage: (call, env) => one("sqs:DeleteMessage", [queueArn(call, env)]),
  },
};

// --- Amazon EC2 Auto Scaling, Amazon ECS, AWS Lambda (list_amazonec2autoscaling.html,
// list_amazonelasticcontainerservice.html, list_awslambda.html) -----------------------------------------

/**
 * The ARNs the model names (generated IDs, qualified functions). A request naming nothing the model can
 * place is authorised against "*"; a model without `iamResources` cannot be authorised at all.
 */
function modelled(call: SandboxCall, env: AuthorizationEnv): readonly string[] {
  const resources = env.directory.modelResources(call);
  if (resources === undefined) {
    throw new SandboxIamError(
      `the ${call.service} model names no resources for IAM: give it iamResources(call), as sandbox/iam/service-authorization.ts expects`,
    );
  }
  return resources.length === 0 ? ["*"] : resources;
}

const autoscaling: ServiceAuthorization = {
  reference: `${REFERENCE}/list_amazonec2autoscaling.html`,
  denied: unmodelled(AutoScalingServiceException, "AccessDenied"),
  operations: {
    // No resource type.
    DescribeAutoScalingGroups: () => one("autoscaling:DescribeAutoScalingGroups", ["*"]),
    UpdateAutoScalingGroup: (call, env) => one("autoscaling:UpdateAutoScalingGroup", modelled(call, env)),
  },
};

/** The cluster's ARN, the ecs:cluster condition key of service actions. */
function ecsCluster(call: SandboxCall, env: AuthorizationEnv): string | undefined {
  const cluster = text(call.input.cluster);
  if (cluster === undefined) return undefined;
  return cluster.startsWith("arn:") ? cluster : regional(env, "ecs", call.region, `cluster/${cluster}`);
}

const ecs: ServiceAuthorization = {
  reference: `${REFERENCE}/list_amazonelasticcontainerservice.html`,
  denied: (message, $metadata) => new EcsAccessDenied({ message, $metadata }),
  operations: {
    DescribeServices: (call, env) =>
      one("ecs:DescribeServices", modelled(call, env), { "ecs:cluster": ecsCluster(call, env) }),
    UpdateService: (call, env) =>
      one("ecs:UpdateService", modelled(call, env), { "ecs:cluster": ecsCluster(call, env) }),
  },
};

const lambda: ServiceAuthorization = {
  reference: `${REFERENCE}/list_awslambda.html`,
  denied: unmodelled(LambdaServiceException, "AccessDeniedException"),
  // Invoke is authorised as lambda:InvokeFunction on the function, qualified when the call names a version.
  operations: { Invoke: (call, env) => one("lambda:InvokeFunction", modelled(call, env)) },
};

/**
 * Every modelled service's entry. Partial over ServiceName on purpose: a service added to the sandbox
 * before its entry compiles, and its first call fails as a SandboxIamError naming this file.
 */
export const serviceAuthorizations: { readonly [S in ServiceName]?: ServiceAuthorization } = {
  rds,
  route53,
  "route53-recovery-cluster": arcCluster,
  eks,
  cloudtrail,
  cloudwatch,
  sfn,
  eventbridge,
  s3,
  kms,
  sqs,
  autoscaling,
  ecs,
  lambda,
};
