import type { CallRecord } from "./call-history.js";
import type { Fault } from "./faults.js";
import { requestIdFrom, seededRandom } from "./seeded-random.js";
import type { ModelContext, SandboxCall, ServiceModel, ServiceName } from "./service-model.js";
import { VirtualClock } from "./virtual-clock.js";

export interface EstateOptions {
  clock?: VirtualClock;
  seed?: number;
  /** Modelled time an API call takes: reads, and writes (mutating calls). */
  apiLatencyMs?: { read: number; write: number };
  /** How long a call to a region that is down hangs before the connection times out. */
  regionDownHangMs?: number;
}

/** Reads the two facts invariant 1 is about; set by whoever builds the estate from a plan. */
export interface EstateObserver {
  writerRegion(): string | undefined;
  trafficRegion(): string | undefined;
}

/** Throws when the call's principal may not make it; returns when it may. */
export type CallAuthorizer = (call: SandboxCall) => void;

/**
 * Admits a call against quotas shared by an account in a region (sandbox/account-limits.ts): throws the
 * service's throttling error when they are spent, else returns what to call once the call is answered.
 */
export type CallLimiter = (call: SandboxCall) => (() => void) | undefined;

/** A listener told about every call once it is answered, e.g. the CloudTrail model that records it. */
export type CallListener = (call: SandboxCall, record: CallRecord, model: ServiceModel) => void;

/**
 * The simulated AWS estate: routes each SDK call to its service model, applies faults, models latency on
 * the virtual clock, and keeps the history of calls that tests check the safety invariants against.
 */
export class SandboxEstate implements ModelContext {
  readonly clock: VirtualClock;
  readonly calls: CallRecord[] = [];
  readonly random: () => number;
  private readonly models = new Map<ServiceName, ServiceModel>();
  private readonly listeners: CallListener[] = [];
  private faults: Fault[] = [];
  private readonly downSince = new Map<string, Date>();
  private readonly failuresLeft = new Map<Fault, number>();
  private readonly apiLatencyMs: { read: number; write: number };
  private readonly regionDownHangMs: number;
  private observer: EstateObserver = { writerRegion: () => undefined, trafficRegion: () => undefined };
  private authorizer: CallAuthorizer | undefined;
  private limiter: CallLimiter | undefined;

  constructor(options: EstateOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    this.random = seededRandom(options.seed ?? 1);
    this.apiLatencyMs = options.apiLatencyMs ?? { read: 80, write: 250 };
    this.regionDownHangMs = options.regionDownHangMs ?? 120_000;
  }

  register(model: ServiceModel): void {
    this.models.set(model.service, model);
  }

  model<T extends ServiceModel>(service: ServiceName): T {
    const model = this.models.get(service);
    if (!model) throw new Error(`the sandbox has no model of ${service}`);
    return model as T;
  }

  observe(observer: EstateObserver): void {
    this.observer = observer;
  }

  /**
   * Who decides whether a call is allowed, before its model answers it (the sandbox's IAM, sandbox/iam):
   * it throws the service's AccessDenied, and the refused call is remembered and recorded like any other.
   */
  authorizeWith(authorizer: CallAuthorizer): void {
    this.authorizer = authorizer;
  }

  /** The account-wide API quotas every call is held to, once answered by IAM (none unless set). */
  limitWith(limiter: CallLimiter): void {
    this.limiter = limiter;
  }

  onCall(listener: CallListener): void {
    this.listeners.push(listener);
  }

  addFault(fault: Fault): void {
    if (fault.kind === "region-down" && this.isRegionUp(fault.region)) {
      this.downSince.set(fault.region, this.clock.now());
    }
    this.faults.push(fault);
    if (fault.kind === "fail") this.failuresLeft.set(fault, fault.times);
  }

  removeFaults(predicate: (fault: Fault) => boolean = () => true): void {
    this.faults = this.faults.filter((fault) => !predicate(fault));
    for (const region of [...this.downSince.keys()]) {
      if (this.isRegionUp(region)) this.downSince.delete(region);
    }
  }

  regionDownSince(region: string): Date | undefined {
    return this.downSince.get(region);
  }

  activeFaults(): readonly Fault[] {
    return this.faults;
  }

  isRegionUp(region: string): boolean {
    return !this.faults.some((fault) => fault.kind === "region-down" && fault.region === region);
  }

  /** A control plane that stopped answering while its region's data planes did not (Route 53, Dec 2021). */
  isApiDown(service: string, region: string): boolean {
    return this.faults.some(
      (fault) => fault.kind === "api-down" && fault.service === service && fault.region === region,
    );
  }

  writerRegion(): string | undefined {
    return this.observer.writerRegion();
  }

  trafficRegion(): string | undefined {
    return this.observer.trafficRegion();
  }

  /** Answers one SDK call; what the sandbox middleware on every client calls. */
  async invoke(
    service: ServiceName,
    region: string,
    operation: string,
    input: Record<string, unknown>,
    principal: string,
    options: { timeoutMs?: number } = {},
  ): Promise<Record<string, unknown>> {
    const model = this.model(service);
    const call: SandboxCall = {
      service,
      region,
      operation,
      input,
      principal,
      requestId: requestIdFrom(this.random),
      at: this.clock.now(),
    };
    const mutating = model.isMutating(operation);
    try {
      await this.applyFaults(call, mutating, options.timeoutMs);
      await this.clock.sleep(this.latencyFor(call, mutating));
      this.authorizer?.(call);
      const release = this.limiter?.(call);
      let output: Record<string, unknown>;
      try {
        output = await model.handle(call);
      } finally {
        release?.();
      }
      this.remember(call, model, mutating);
      return {
        ...output,
        $metadata: { httpStatusCode: 200, requestId: call.requestId, attempts: 1, totalRetryDelay: 0 },
      };
    } catch (error) {
      this.remember(call, model, mutating, errorName(error));
      throw error;
    }
  }

  private async applyFaults(
    call: SandboxCall,
    mutating: boolean,
    timeoutMs: number | undefined,
  ): Promise<void> {
    if (!this.isRegionUp(call.region) || this.isApiDown(call.service, call.region)) {
      // A client configured with a request timeout gives up then; one without hangs until the connection does.
      await this.clock.sleep(Math.min(this.regionDownHangMs, timeoutMs ?? Number.POSITIVE_INFINITY));
      throw Object.assign(new Error(`connect ETIMEDOUT: ${call.service}.${call.region}.amazonaws.com`), {
        name: "TimeoutError",
        code: "ETIMEDOUT",
        $metadata: { attempts: 1, totalRetryDelay: 0 },
      });
    }
    for (const fault of this.faults) {
      if (
        fault.kind === "fail" &&
        fault.operation === call.operation &&
        (!fault.region || fault.region === call.region)
      ) {
        const left = this.failuresLeft.get(fault) ?? 0;
        if (left > 0) {
          this.failuresLeft.set(fault, left - 1);
          throw serviceError(
            call,
            fault.error,
            `injected failure of ${call.operation}`,
            mutating ? 500 : 400,
          );
        }
      }
      if (
        fault.kind === "throttle" &&
        (!fault.service || fault.service === call.service) &&
        this.random() < fault.rate
      ) {
        throw serviceError(call, throttlingErrorName(call.service), "Rate exceeded", 400);
      }
    }
  }

  private latencyFor(call: SandboxCall, mutating: boolean): number {
    let ms = mutating ? this.apiLatencyMs.write : this.apiLatencyMs.read;
    for (const fault of this.faults) {
      if (fault.kind === "latency" && (!fault.region || fault.region === call.region)) ms += fault.ms;
    }
    return ms;
  }

  private remember(call: SandboxCall, model: ServiceModel, mutating: boolean, error?: string): void {
    const record: CallRecord = {
      seq: this.calls.length,
      at: call.at,
      endedAt: this.clock.now(),
      service: call.service,
      region: call.region,
      operation: call.operation,
      input: call.input,
      principal: call.principal,
      requestId: call.requestId,
      mutating,
      ...(error === undefined ? {} : { error }),
      after: { writerRegion: this.writerRegion(), trafficRegion: this.trafficRegion() },
    };
    this.calls.push(record);
    for (const listener of this.listeners) listener(call, record, model);
  }
}

/** The error name AWS uses for throttling, per service protocol (Lambda names its own). */
export function throttlingErrorName(service: ServiceName): string {
  if (service === "lambda") return "TooManyRequestsException";
  return service === "rds" || service === "cloudwatch" || service === "autoscaling"
    ? "Throttling"
    : "ThrottlingException";
}

/**
 * An error shaped like the SDK's service exceptions ($fault, $metadata, name), for injected faults whose
 * names the service's client does not model as a class of its own.
 */
export function serviceError(
  call: SandboxCall,
  name: string,
  message: string,
  httpStatusCode: number,
): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? "server" : "client",
    $metadata: { httpStatusCode, requestId: call.requestId, attempts: 1, totalRetryDelay: 0 },
  });
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "UnknownError";
}
