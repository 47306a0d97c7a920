import {
  type AutoScalingGroup,
  type AutoScalingGroupsType,
  AutoScalingServiceException,
  type Instance,
  InvalidNextToken,
} from "@aws-sdk/client-auto-scaling";
import { DEFAULT_LATENCIES } from "../latencies.js";
import {
  errorMetadata,
  type ModelContext,
  type SandboxCall,
  type ServiceModel,
  type TrailResource,
} from "../service-model.js";

export interface AutoScalingTimings {
  /** A launched instance, from the capacity change until it is InService (sandbox/latencies.ts). */
  instanceInServiceMs: number;
}

export const DEFAULT_AUTO_SCALING_TIMINGS: AutoScalingTimings = {
  instanceInServiceMs: DEFAULT_LATENCIES.asgInstanceInService,
};

/** A group as it is before the incident: `inService` instances long InService, the rest of `desired` launching. */
export interface GroupSeed {
  min: number;
  max: number;
  desired: number;
  inService: number;
  accountId?: string;
}

/** What the sandbox can tell about a group: DescribeAutoScalingGroups' sizes and its instances by state. */
export interface GroupSnapshot {
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  inService: number;
  pending: number;
}

interface InstanceState {
  id: string;
  availabilityZone: string;
  /** Undefined while launches are stuck: the instance stays Pending. */
  inServiceAt: number | undefined;
}

interface GroupState {
  name: string;
  region: string;
  accountId: string;
  arn: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  createdAt: Date;
  instances: InstanceState[];
  launchesStuck: boolean;
}

const DEFAULT_ACCOUNT = "111122223333";
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 100;
const INSTANCE_TYPE = "m5.large";
const MODELLED_UPDATE_FIELDS = new Set(["AutoScalingGroupName", "MinSize", "MaxSize", "DesiredCapacity"]);

/**
 * EC2 Auto Scaling groups per region, as far as a failover reads and changes them: DescribeAutoScalingGroups
 * (names, paging) and UpdateAutoScalingGroup of MinSize, MaxSize and DesiredCapacity, with Auto Scaling's
 * validation and wording. Following the EC2 Auto Scaling API reference (UpdateAutoScalingGroup,
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_UpdateAutoScalingGroup.html): a new MinSize
 * above the desired capacity, given without DesiredCapacity, raises the desired capacity to it, and a new
 * MaxSize below it lowers it. A higher desired capacity launches instances at once, Pending, each
 * InService `instanceInServiceMs` later (the instance lifecycle: configured, EC2 health checks passed);
 * a lower one takes instances away, Pending ones first and then the newest, out of service at once (the
 * Terminating states that follow are not modelled, since nothing kirikae reads depends on them).
 * Region-down and api-down faults are the estate's: calls to a region that is down hang until they time out.
 */
export class AutoScalingModel implements ServiceModel {
  readonly service = "autoscaling" as const;
  readonly eventSource = "autoscaling.amazonaws.com";
  private readonly groups = new Map<string, GroupState>();
  private readonly timings: AutoScalingTimings;
  private launched = 0;

  constructor(
    private readonly context: ModelContext,
    timings: Partial<AutoScalingTimings> = {},
  ) {
    this.timings = { ...DEFAULT_AUTO_SCALING_TIMINGS, ...timings };
  }

  /** Sandbox setup: a group in a region, as it runs before the incident. */
  addGroup(region: string, name: string, seed: GroupSeed): void {
    const { min, max, desired, inService } = seed;
    if (!(min >= 0 && min <= desired && desired <= max && inService >= 0 && inService <= desired)) {
      throw new Error(
        `the sandbox's Auto Scaling group ${region}/${name} needs 0 <= min <= desired <= max and inService <= desired`,
      );
    }
    const accountId = seed.accountId ?? DEFAULT_ACCOUNT;
    const now = this.context.clock.now().getTime();
    const group: GroupState = {
      name,
      region,
      accountId,
      arn: `arn:aws:autoscaling:${region}:${accountId}:autoScalingGroup:${uuidFrom(`${region}/${name}`)}:autoScalingGroupName/${name}`,
      minSize: min,
      maxSize: max,
      desiredCapacity: desired,
      createdAt: new Date(now - 86_400_000),
      instances: [],
      launchesStuck: false,
    };
    // What runs before the incident has long been InService; the rest of the desired capacity is launching.
    this.launch(group, inService, () => now - 86_400_000);
    this.launch(group, desired - inService, () => now + this.timings.instanceInServiceMs);
    this.groups.set(key(region, name), group);
  }

  /**
   * Sandbox control: new instances of a group stay Pending (no capacity in the zones, a bad launch
   * template); lifting it relaunches those still Pending, InService one launch time later.
   */
  setLaunchesStuck(region: string, name: string, stuck: boolean): void {
    const group = this.requireSeeded(region, name);
    group.launchesStuck = stuck;
    if (stuck) return;
    const at = this.context.clock.now().getTime() + this.timings.instanceInServiceMs;
    for (const instance of group.instances) instance.inServiceAt ??= at;
  }

  /** Sandbox inspection: the group's sizes and its instances by lifecycle state, now. */
  group(region: string, name: string): GroupSnapshot | undefined {
    const group = this.groups.get(key(region, name));
    if (!group) return undefined;
    const inService = group.instances.filter((instance) => this.isInService(instance)).length;
    return {
      minSize: group.minSize,
      maxSize: group.maxSize,
      desiredCapacity: group.desiredCapacity,
      inService,
      pending: group.instances.length - inService,
    };
  }

  /** The group's ARN, as IAM policies and CloudTrail name it. */
  groupArn(region: string, name: string): string | undefined {
    return this.groups.get(key(region, name))?.arn;
  }

  /**
   * The resources IAM evaluates a call against (Service Authorization Reference, Amazon EC2 Auto Scaling):
   * DescribeAutoScalingGroups supports no resource-level permissions ("*"); UpdateAutoScalingGroup is
   * authorized on the group's ARN, whose group ID part a policy usually matches with "*".
   */
  iamResources(call: SandboxCall): string[] {
    if (call.operation !== "UpdateAutoScalingGroup") return ["*"];
    const name = String(call.input.AutoScalingGroupName ?? "");
    const account = accountOf(call.principal) ?? DEFAULT_ACCOUNT;
    return [
      this.groupArn(call.region, name) ??
        `arn:aws:autoscaling:${call.region}:${account}:autoScalingGroup:*:autoScalingGroupName/${name}`,
    ];
  }

  isMutating(operation: string): boolean {
    return operation === "UpdateAutoScalingGroup" || operation === "SetDesiredCapacity";
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    const name = call.input.AutoScalingGroupName;
    return typeof name === "string"
      ? [{ ResourceType: "AWS::AutoScaling::AutoScalingGroup", ResourceName: name }]
      : [];
  }

  handle(call: SandboxCall): Record<string, unknown> {
    switch (call.operation) {
      case "DescribeAutoScalingGroups":
        return this.describeAutoScalingGroups(call);
      case "UpdateAutoScalingGroup":
        return this.updateAutoScalingGroup(call);
      default:
        throw new Error(`the sandbox does not model autoscaling:${call.operation}`);
    }
  }

  private describeAutoScalingGroups(call: SandboxCall): Record<string, unknown> {
    if (call.input.Filters !== undefined) {
      throw new Error("the sandbox does not model autoscaling:DescribeAutoScalingGroups with Filters");
    }
    const size = call.input.MaxRecords === undefined ? DEFAULT_PAGE_SIZE : Number(call.input.MaxRecords);
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw validationError(
        call,
        `1 validation error detected: Value '${String(call.input.MaxRecords)}' at 'maxRecords' failed to satisfy constraint: Member must have value ${size < 1 ? "greater than or equal to 1" : `less than or equal to ${MAX_PAGE_SIZE}`}`,
      );
    }
    const start = call.input.NextToken === undefined ? 0 : offsetFrom(call.input.NextToken);
    if (start === undefined) {
      throw new InvalidNextToken({
        message: `The token '${String(call.input.NextToken)}' is invalid.`,
        $metadata: errorMetadata(call),
      });
    }
    const names = Array.isArray(call.input.AutoScalingGroupNames)
      ? new Set(call.input.AutoScalingGroupNames.map(String))
      : undefined;
    // Only the groups of the region called are visible, as with Auto Scaling's regional endpoints; names
    // that match no group are left out, not reported.
    const matching = [...this.groups.values()]
      .filter((group) => group.region === call.region && (!names || names.has(group.name)))
      .sort((a, b) => a.name.localeCompare(b.name));
    const end = start + size;
    return {
      AutoScalingGroups: matching.slice(start, end).map((group) => this.groupShape(group)),
      ...(end < matching.length ? { NextToken: tokenFor(end) } : {}),
    } satisfies AutoScalingGroupsType;
  }

  private updateAutoScalingGroup(call: SandboxCall): Record<string, unknown> {
    const unmodelled = Object.keys(call.input).filter(
      (field) => call.input[field] !== undefined && !MODELLED_UPDATE_FIELDS.has(field),
    );
    if (unmodelled.length > 0) {
      throw new Error(
        `the sandbox does not model autoscaling:UpdateAutoScalingGroup of ${unmodelled.join(", ")}`,
      );
    }
    const group = this.groups.get(key(call.region, String(call.input.AutoScalingGroupName ?? "")));
    // Auto Scaling's own wording for a name it does not know, "- null" included.
    if (!group) throw validationError(call, "AutoScalingGroup name not found - null");
    const requested = {
      min: optionalCount(call.input.MinSize),
      max: optionalCount(call.input.MaxSize),
      desired: optionalCount(call.input.DesiredCapacity),
    };
    const minSize = requested.min ?? group.minSize;
    const maxSize = requested.max ?? group.maxSize;
    let desired = requested.desired ?? group.desiredCapacity;
    if (requested.desired === undefined && requested.min !== undefined && minSize > desired)
      desired = minSize;
    if (requested.desired === undefined && requested.max !== undefined && maxSize < desired)
      desired = maxSize;
    if (minSize > maxSize) {
      throw validationError(
        call,
        `Max bound, ${maxSize}, must be greater than or equal to min bound, ${minSize}`,
      );
    }
    if (desired < minSize || desired > maxSize) {
      throw validationError(
        call,
        `Desired capacity:${desired} must be between the specified min size:${minSize} and max size:${maxSize}`,
      );
    }
    group.minSize = minSize;
    group.maxSize = maxSize;
    if (desired !== group.desiredCapacity) this.resize(group, desired);
    group.desiredCapacity = desired;
    return {};
  }

  private resize(group: GroupState, desired: number): void {
    const now = this.context.clock.now().getTime();
    const current = group.instances.length;
    if (desired > current) {
      this.launch(group, desired - current, () => now + this.timings.instanceInServiceMs);
      return;
    }
    // Pending instances go first (they serve nothing yet), then the newest.
    const byKeep = [...group.instances].sort(
      (a, b) =>
        Number(this.isInService(b)) - Number(this.isInService(a)) ||
        (a.inServiceAt ?? Number.POSITIVE_INFINITY) - (b.inServiceAt ?? Number.POSITIVE_INFINITY),
    );
    const kept = new Set(byKeep.slice(0, desired));
    group.instances = group.instances.filter((instance) => kept.has(instance));
  }

  private launch(group: GroupState, count: number, inServiceAt: () => number): void {
    const zones = ["a", "b", "c"];
    for (let index = 0; index < count; index++) {
      this.launched += 1;
      group.instances.push({
        id: `i-${hexFrom(`${group.region}/${group.name}/${this.launched}`, 17)}`,
        availabilityZone: `${group.region}${zones[group.instances.length % zones.length]}`,
        inServiceAt: group.launchesStuck ? undefined : inServiceAt(),
      });
    }
  }

  private isInService(instance: InstanceState): boolean {
    return instance.inServiceAt !== undefined && instance.inServiceAt <= this.context.clock.now().getTime();
  }

  private groupShape(group: GroupState): AutoScalingGroup {
    const launchTemplate = {
      LaunchTemplateId: `lt-${hexFrom(`${group.region}/${group.name}/template`, 17)}`,
      LaunchTemplateName: group.name,
      Version: "$Default",
    };
    return {
      AutoScalingGroupName: group.name,
      AutoScalingGroupARN: group.arn,
      LaunchTemplate: launchTemplate,
      MinSize: group.minSize,
      MaxSize: group.maxSize,
      DesiredCapacity: group.desiredCapacity,
      DefaultCooldown: 300,
      AvailabilityZones: ["a", "b", "c"].map((zone) => `${group.region}${zone}`),
      LoadBalancerNames: [],
      TargetGroupARNs: [],
      HealthCheckType: "EC2",
      HealthCheckGracePeriod: 300,
      Instances: group.instances.map(
        (instance): Instance => ({
          InstanceId: instance.id,
          InstanceType: INSTANCE_TYPE,
          AvailabilityZone: instance.availabilityZone,
          LifecycleState: this.isInService(instance) ? "InService" : "Pending",
          HealthStatus: "Healthy",
          LaunchTemplate: launchTemplate,
          ProtectedFromScaleIn: false,
        }),
      ),
      CreatedTime: new Date(group.createdAt),
      SuspendedProcesses: [],
      VPCZoneIdentifier: "",
      EnabledMetrics: [],
      Tags: [],
      TerminationPolicies: ["Default"],
      NewInstancesProtectedFromScaleIn: false,
      ServiceLinkedRoleARN: `arn:aws:iam::${group.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
      TrafficSources: [],
    };
  }

  private requireSeeded(region: string, name: string): GroupState {
    const group = this.groups.get(key(region, name));
    if (!group) throw new Error(`the sandbox has no Auto Scaling group ${region}/${name}`);
    return group;
  }
}

/** Auto Scaling's validation failures: an error code the SDK models as no class of its own. */
function validationError(call: SandboxCall, message: string): AutoScalingServiceException {
  return new AutoScalingServiceException({
    name: "ValidationError",
    $fault: "client",
    message,
    $metadata: errorMetadata(call),
  });
}

function optionalCount(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function accountOf(principal: string): string | undefined {
  const account = principal.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/** Page tokens are opaque to callers, as Auto Scaling's are; this one carries the offset of the next page. */
function tokenFor(offset: number): string {
  return Buffer.from(`groups:${offset}`).toString("base64url");
}

function offsetFrom(token: unknown): number | undefined {
  if (typeof token !== "string") return undefined;
  const match = /^groups:(\d+)$/.exec(Buffer.from(token, "base64url").toString());
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Stable hex derived from a name, so runs of the sandbox are reproducible. */
function hexFrom(text: string, length: number): string {
  let hex = "";
  for (let round = 0; hex.length < length; round++) {
    let hash = 0x811c9dc5;
    for (const char of `${round}:${text}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
    hex += (hash >>> 0).toString(16).padStart(8, "0");
  }
  return hex.slice(0, length);
}

function uuidFrom(text: string): string {
  const hex = hexFrom(text, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function key(region: string, name: string): string {
  return `${region}/${name}`;
}
