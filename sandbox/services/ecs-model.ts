import {
  ClusterNotFoundException,
  type DescribeServicesResponse,
  type Failure,
  InvalidParameterException,
  type Service,
  ServiceNotActiveException,
  ServiceNotFoundException,
  type UpdateServiceResponse,
} from "@aws-sdk/client-ecs";
import { DEFAULT_LATENCIES } from "../latencies.js";
import {
  errorMetadata,
  type ModelContext,
  type SandboxCall,
  type ServiceModel,
  type TrailResource,
} from "../service-model.js";

export interface EcsTimings {
  /** A started task, from UpdateService until it is RUNNING and registered healthy (sandbox/latencies.ts). */
  taskRunningMs: number;
}

export const DEFAULT_ECS_TIMINGS: EcsTimings = { taskRunningMs: DEFAULT_LATENCIES.ecsTaskRunning };

/** A service as it runs before the incident: `running` tasks long RUNNING, the rest of `desired` starting. */
export interface ServiceSeed {
  desired: number;
  running: number;
  accountId?: string;
  /** ACTIVE (default), DRAINING or INACTIVE. */
  status?: "ACTIVE" | "DRAINING" | "INACTIVE";
}

/** What the sandbox can tell about a service: its counts as DescribeServices reports them now. */
export interface ServiceSnapshot {
  status: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
}

interface TaskState {
  /** Undefined while tasks fail to start (an image that cannot be pulled): the task stays pending. */
  runningAt: number | undefined;
}

interface ServiceState {
  name: string;
  arn: string;
  status: "ACTIVE" | "DRAINING" | "INACTIVE";
  desiredCount: number;
  tasks: TaskState[];
  createdAt: Date;
  updatedAt: Date;
  deploymentId: string;
  tasksFailing: boolean;
}

interface ClusterState {
  name: string;
  region: string;
  accountId: string;
  arn: string;
  services: Map<string, ServiceState>;
}

const DEFAULT_ACCOUNT = "111122223333";
const DEFAULT_CLUSTER = "default";
const MAX_SERVICES_PER_DESCRIBE = 10;
const MODELLED_UPDATE_FIELDS = new Set(["cluster", "service", "desiredCount"]);

/**
 * Amazon ECS services per region and cluster, as far as a failover reads and scales them: DescribeServices
 * (up to 10 services by name or ARN; a service the cluster lacks comes back under `failures`, reason
 * MISSING) and UpdateService of desiredCount, with ECS's errors (ClusterNotFoundException,
 * ServiceNotFoundException, ServiceNotActiveException), after the Amazon ECS API reference
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html). A higher desiredCount
 * starts tasks at once, counted pending, each RUNNING `taskRunningMs` later (image pull, start, load
 * balancer registration); a lower one stops pending tasks first, then the newest, out of the running
 * count at once. Changing desiredCount alone starts no new deployment: the primary deployment's counts
 * move. Region-down and api-down faults are the estate's.
 */
export class EcsModel implements ServiceModel {
  readonly service = "ecs" as const;
  readonly eventSource = "ecs.amazonaws.com";
  private readonly clusters = new Map<string, ClusterState>();
  private readonly timings: EcsTimings;

  constructor(
    private readonly context: ModelContext,
    timings: Partial<EcsTimings> = {},
  ) {
    this.timings = { ...DEFAULT_ECS_TIMINGS, ...timings };
  }

  /** Sandbox setup: a service in a region's cluster (created on first use), as it runs before the incident. */
  addService(region: string, cluster: string, service: string, seed: ServiceSeed): void {
    if (!(seed.desired >= 0 && seed.running >= 0 && seed.running <= seed.desired)) {
      throw new Error(
        `the sandbox's ECS service ${region}/${cluster}/${service} needs 0 <= running <= desired`,
      );
    }
    const accountId = seed.accountId ?? DEFAULT_ACCOUNT;
    let clusterState = this.clusters.get(key(region, cluster));
    if (!clusterState) {
      clusterState = {
        name: cluster,
        region,
        accountId,
        arn: `arn:aws:ecs:${region}:${accountId}:cluster/${cluster}`,
        services: new Map(),
      };
      this.clusters.set(key(region, cluster), clusterState);
    }
    const now = this.context.clock.now().getTime();
    const createdAt = new Date(now - 86_400_000);
    const state: ServiceState = {
      name: service,
      arn: `arn:aws:ecs:${region}:${clusterState.accountId}:service/${cluster}/${service}`,
      status: seed.status ?? "ACTIVE",
      desiredCount: seed.desired,
      tasks: [],
      createdAt,
      updatedAt: createdAt,
      deploymentId: `ecs-svc/${digitsFrom(`${region}/${cluster}/${service}`, 19)}`,
      tasksFailing: false,
    };
    // What runs before the incident has long been RUNNING; the rest of the desired count is starting.
    this.start(state, seed.running, now - 86_400_000);
    this.start(state, seed.desired - seed.running, now + this.timings.taskRunningMs);
    clusterState.services.set(service, state);
  }

  /**
   * Sandbox control: the service's new tasks never reach RUNNING (an image that cannot be pulled, a
   * failing health check); lifting it starts those still pending again, RUNNING one start time later.
   */
  setTasksFailing(region: string, cluster: string, service: string, failing: boolean): void {
    const state = this.requireSeeded(region, cluster, service);
    state.tasksFailing = failing;
    if (failing) return;
    const at = this.context.clock.now().getTime() + this.timings.taskRunningMs;
    for (const task of state.tasks) task.runningAt ??= at;
  }

  /** Sandbox inspection: the service's counts now. */
  serviceState(region: string, cluster: string, service: string): ServiceSnapshot | undefined {
    const state = this.clusters.get(key(region, cluster))?.services.get(service);
    if (!state) return undefined;
    const { runningCount, pendingCount } = this.counts(state);
    return { status: state.status, desiredCount: state.desiredCount, runningCount, pendingCount };
  }

  /** The service's ARN, as IAM policies and CloudTrail name it. */
  serviceArn(region: string, cluster: string, service: string): string | undefined {
    return this.clusters.get(key(region, cluster))?.services.get(service)?.arn;
  }

  /**
   * The resources IAM evaluates a call against (Service Authorization Reference, Amazon ECS): both
   * DescribeServices and UpdateService are authorized on each service's ARN,
   * arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE, with the ecs:cluster condition key set to the
   * cluster's ARN.
   */
  iamResources(call: SandboxCall): string[] {
    const cluster = clusterNameOf(call.input.cluster);
    const account = this.clusters.get(key(call.region, cluster))?.accountId ?? accountOf(call.principal);
    const names =
      call.operation === "DescribeServices"
        ? Array.isArray(call.input.services)
          ? call.input.services.map(String)
          : []
        : [String(call.input.service ?? "")];
    return names.map((name) =>
      name.startsWith("arn:") ? name : `arn:aws:ecs:${call.region}:${account}:service/${cluster}/${name}`,
    );
  }

  isMutating(operation: string): boolean {
    return operation === "UpdateService";
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    const resources: TrailResource[] = [];
    if (typeof call.input.service === "string") {
      resources.push({ ResourceType: "AWS::ECS::Service", ResourceName: call.input.service });
    }
    resources.push({ ResourceType: "AWS::ECS::Cluster", ResourceName: clusterNameOf(call.input.cluster) });
    return resources;
  }

  handle(call: SandboxCall): Record<string, unknown> {
    switch (call.operation) {
      case "DescribeServices":
        return this.describeServices(call);
      case "UpdateService":
        return this.updateService(call);
      default:
        throw new Error(`the sandbox does not model ecs:${call.operation}`);
    }
  }

  private describeServices(call: SandboxCall): Record<string, unknown> {
    const cluster = this.requireCluster(call);
    const requested = Array.isArray(call.input.services) ? call.input.services.map(String) : [];
    if (requested.length < 1 || requested.length > MAX_SERVICES_PER_DESCRIBE) {
      throw new InvalidParameterException({
        message: `services can have between 1 and ${MAX_SERVICES_PER_DESCRIBE} items.`,
        $metadata: errorMetadata(call),
      });
    }
    const services: Service[] = [];
    const failures: Failure[] = [];
    for (const reference of requested) {
      const state = cluster.services.get(serviceNameOf(reference));
      if (state) services.push(this.serviceShape(cluster, state));
      else {
        failures.push({
          arn: reference.startsWith("arn:")
            ? reference
            : `arn:aws:ecs:${cluster.region}:${cluster.accountId}:service/${cluster.name}/${reference}`,
          reason: "MISSING",
        });
      }
    }
    return { services, failures } satisfies DescribeServicesResponse;
  }

  private updateService(call: SandboxCall): Record<string, unknown> {
    const unmodelled = Object.keys(call.input).filter(
      (field) => call.input[field] !== undefined && !MODELLED_UPDATE_FIELDS.has(field),
    );
    if (unmodelled.length > 0) {
      throw new Error(`the sandbox does not model ecs:UpdateService of ${unmodelled.join(", ")}`);
    }
    const cluster = this.requireCluster(call);
    const state = cluster.services.get(serviceNameOf(String(call.input.service ?? "")));
    if (!state) {
      throw new ServiceNotFoundException({ message: "Service not found.", $metadata: errorMetadata(call) });
    }
    if (state.status !== "ACTIVE") {
      throw new ServiceNotActiveException({
        message: "Service was not ACTIVE.",
        $metadata: errorMetadata(call),
      });
    }
    const desired = call.input.desiredCount;
    if (desired !== undefined) {
      if (typeof desired !== "number" || !Number.isInteger(desired) || desired < 0) {
        throw new InvalidParameterException({
          message: "desiredCount must be a non-negative integer.",
          $metadata: errorMetadata(call),
        });
      }
      this.resize(state, desired);
    }
    return { service: this.serviceShape(cluster, state) } satisfies UpdateServiceResponse;
  }

  private resize(state: ServiceState, desired: number): void {
    const now = this.context.clock.now().getTime();
    state.updatedAt = new Date(now);
    state.desiredCount = desired;
    const current = state.tasks.length;
    if (desired > current) {
      this.start(state, desired - current, now + this.timings.taskRunningMs);
      return;
    }
    // Pending tasks are stopped first (they serve nothing yet), then the newest running ones.
    const byKeep = [...state.tasks].sort(
      (a, b) =>
        Number(this.isRunning(b)) - Number(this.isRunning(a)) ||
        (a.runningAt ?? Number.POSITIVE_INFINITY) - (b.runningAt ?? Number.POSITIVE_INFINITY),
    );
    const kept = new Set(byKeep.slice(0, desired));
    state.tasks = state.tasks.filter((task) => kept.has(task));
  }

  private start(state: ServiceState, count: number, runningAt: number): void {
    for (let index = 0; index < count; index++) {
      state.tasks.push({ runningAt: state.tasksFailing ? undefined : runningAt });
    }
  }

  private isRunning(task: TaskState): boolean {
    return task.runningAt !== undefined && task.runningAt <= this.context.clock.now().getTime();
  }

  private counts(state: ServiceState): { runningCount: number; pendingCount: number } {
    const runningCount = state.tasks.filter((task) => this.isRunning(task)).length;
    return { runningCount, pendingCount: state.tasks.length - runningCount };
  }

  private serviceShape(cluster: ClusterState, state: ServiceState): Service {
    const { runningCount, pendingCount } = this.counts(state);
    const taskDefinition = `arn:aws:ecs:${cluster.region}:${cluster.accountId}:task-definition/${state.name}:1`;
    const settled = runningCount === state.desiredCount && pendingCount === 0;
    return {
      serviceArn: state.arn,
      serviceName: state.name,
      clusterArn: cluster.arn,
      loadBalancers: [],
      serviceRegistries: [],
      status: state.status,
      desiredCount: state.desiredCount,
      runningCount,
      pendingCount,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      platformFamily: "Linux",
      taskDefinition,
      deploymentConfiguration: {
        deploymentCircuitBreaker: { enable: false, rollback: false },
        maximumPercent: 200,
        minimumHealthyPercent: 100,
      },
      deployments: [
        {
          id: state.deploymentId,
          status: "PRIMARY",
          taskDefinition,
          desiredCount: state.desiredCount,
          pendingCount,
          runningCount,
          failedTasks: 0,
          createdAt: new Date(state.createdAt),
          updatedAt: new Date(state.updatedAt),
          launchType: "FARGATE",
          platformVersion: "1.4.0",
          platformFamily: "Linux",
          rolloutState: settled ? "COMPLETED" : "IN_PROGRESS",
          rolloutStateReason: settled
            ? "ECS deployment ecs-svc completed."
            : "ECS deployment ecs-svc in progress.",
        },
      ],
      events: [],
      createdAt: new Date(state.createdAt),
      placementConstraints: [],
      placementStrategy: [],
      schedulingStrategy: "REPLICA",
      deploymentController: { type: "ECS" },
      enableECSManagedTags: false,
      propagateTags: "NONE",
      enableExecuteCommand: false,
    };
  }

  /** Only the clusters of the region called are visible, as with ECS's regional endpoints. */
  private requireCluster(call: SandboxCall): ClusterState {
    const cluster = this.clusters.get(key(call.region, clusterNameOf(call.input.cluster)));
    if (!cluster) {
      throw new ClusterNotFoundException({ message: "Cluster not found.", $metadata: errorMetadata(call) });
    }
    return cluster;
  }

  private requireSeeded(region: string, cluster: string, service: string): ServiceState {
    const state = this.clusters.get(key(region, cluster))?.services.get(service);
    if (!state) throw new Error(`the sandbox has no ECS service ${region}/${cluster}/${service}`);
    return state;
  }
}

/** A cluster given by name or ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME); ECS's default without one. */
function clusterNameOf(value: unknown): string {
  if (typeof value !== "string" || value === "") return DEFAULT_CLUSTER;
  return value.startsWith("arn:") ? (value.split("/").pop() ?? value) : value;
}

/** A service given by name or ARN (arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME). */
function serviceNameOf(reference: string): string {
  return reference.startsWith("arn:") ? (reference.split("/").pop() ?? reference) : reference;
}

function accountOf(principal: string): string {
  const account = principal.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : DEFAULT_ACCOUNT;
}

/** Stable digits derived from a name, so runs of the sandbox are reproducible. */
function digitsFrom(text: string, length: number): string {
  let digits = "";
  for (let round = 0; digits.length < length; round++) {
    let hash = 0x811c9dc5;
    for (const char of `${round}:${text}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
    digits += String(hash >>> 0).padStart(10, "0");
  }
  return digits.slice(0, length);
}

function key(region: string, cluster: string): string {
  return `${region}/${cluster}`;
}
