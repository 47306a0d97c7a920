import {
  type GetRoutingControlStateResponse,
  ResourceNotFoundException,
  type RoutingControlState,
  ValidationException,
} from "@aws-sdk/client-route53-recovery-cluster";
import { DEFAULT_LATENCIES } from "../latencies.js";
import {
  errorMetadata,
  type ModelContext,
  type SandboxCall,
  type ServiceModel,
  type TrailResource,
} from "../service-model.js";

export interface ArcClusterSeed {
  routingControls: Array<{ arn: string; name: string; state: RoutingControlState }>;
}

export interface ArcTimings {
  /**
   * From a state change to the routing control's health check reporting it to Route 53's DNS servers.
   * AWS documents no figure; this is an assumption to replace with an account's measured drill.
   */
  healthCheckPropagationMs: number;
}

export const DEFAULT_ARC_TIMINGS: ArcTimings = {
  healthCheckPropagationMs: DEFAULT_LATENCIES.gatePropagationArcRoutingControl,
};

interface RoutingControl {
  arn: string;
  name: string;
  state: RoutingControlState;
  /** The state before the last change and when that change happened, for the health check's lag. */
  previous: RoutingControlState;
  changedAt: number;
}

/**
 * Route 53 ARC's routing control data plane (Routing Control API reference: GetRoutingControlState,
 * UpdateRoutingControlState, UpdateRoutingControlStates, ListRoutingControls). A cluster answers at five
 * regional endpoints; the sandbox sees each call at the region of the endpoint the client names, so an
 * endpoint in a region that is down hangs like any other call there, and the caller must try the next.
 * A routing control's health check is what failover records use: it reads "healthy" while the control is
 * On, once the change has propagated.
 */
export class ArcClusterModel implements ServiceModel {
  readonly service = "route53-recovery-cluster" as const;
  readonly eventSource = "route53-recovery-cluster.amazonaws.com";
  private readonly controls = new Map<string, RoutingControl>();
  private readonly timings: ArcTimings;

  constructor(
    private readonly context: ModelContext,
    seed: ArcClusterSeed,
    timings: Partial<ArcTimings> = {},
  ) {
    this.timings = { ...DEFAULT_ARC_TIMINGS, ...timings };
    for (const control of seed.routingControls) {
      this.controls.set(control.arn, { ...control, previous: control.state, changedAt: 0 });
    }
  }

  isMutating(operation: string): boolean {
    return operation === "UpdateRoutingControlState" || operation === "UpdateRoutingControlStates";
  }

  resourcesOf(call: SandboxCall): TrailResource[] {
    return this.arnsOf(call).map((arn) => ({
      ResourceType: "AWS::Route53RecoveryControl::RoutingControl",
      ResourceName: arn,
    }));
  }

  handle(call: SandboxCall): Record<string, unknown> {
    switch (call.operation) {
      case "GetRoutingControlState":
        return this.getState(call);
      case "UpdateRoutingControlState":
        return this.update(call, [
          {
            RoutingControlArn: call.input.RoutingControlArn,
            RoutingControlState: call.input.RoutingControlState,
          },
        ]);
      case "UpdateRoutingControlStates":
        return this.update(call, (call.input.UpdateRoutingControlStateEntries ?? []) as StateEntry[]);
      case "ListRoutingControls":
        return {
          RoutingControls: [...this.controls.values()].map((control) => ({
            RoutingControlArn: control.arn,
            RoutingControlName: control.name,
            RoutingControlState: control.state,
          })),
        };
      default:
        throw new Error(`the sandbox does not model route53-recovery-cluster:${call.operation}`);
    }
  }

  /** What the routing control's health check reports now: the state as of the propagation delay ago. */
  healthCheckSaysOn(arn: string): boolean {
    const control = this.controls.get(arn);
    if (!control) return false;
    const propagated =
      this.context.clock.now().getTime() >= control.changedAt + this.timings.healthCheckPropagationMs;
    return (propagated ? control.state : control.previous) === "On";
  }

  /** Sandbox inspection: the state the cluster holds. */
  stateOf(arn: string): RoutingControlState | undefined {
    return this.controls.get(arn)?.state;
  }

  private getState(call: SandboxCall): Record<string, unknown> {
    const control = this.require(call, call.input.RoutingControlArn);
    return {
      RoutingControlArn: control.arn,
      RoutingControlState: control.state,
      RoutingControlName: control.name,
    } satisfies GetRoutingControlStateResponse;
  }

  /** All entries are validated before any is applied: the request changes every state or none. */
  private update(call: SandboxCall, entries: StateEntry[]): Record<string, unknown> {
    if (entries.length === 0) {
      throw new ValidationException({
        message: "UpdateRoutingControlStateEntries must not be empty",
        reason: "fieldValidationFailed",
        $metadata: errorMetadata(call),
      });
    }
    const resolved = entries.map((entry) => {
      const control = this.require(call, entry.RoutingControlArn);
      if (entry.RoutingControlState !== "On" && entry.RoutingControlState !== "Off") {
        throw new ValidationException({
          message: `RoutingControlState must be On or Off, not ${String(entry.RoutingControlState)}`,
          reason: "fieldValidationFailed",
          $metadata: errorMetadata(call),
        });
      }
      return { control, state: entry.RoutingControlState as RoutingControlState };
    });
    const now = this.context.clock.now().getTime();
    for (const { control, state } of resolved) {
      if (control.state === state) continue;
      control.previous = this.healthCheckSaysOn(control.arn) ? "On" : "Off";
      control.state = state;
      control.changedAt = now;
    }
    return {};
  }

  private require(call: SandboxCall, arn: unknown): RoutingControl {
    const control = this.controls.get(String(arn ?? ""));
    if (!control) {
      throw new ResourceNotFoundException({
        message: `Routing control ${String(arn)} was not found`,
        resourceId: String(arn),
        resourceType: "RoutingControl",
        $metadata: errorMetadata(call, 404),
      });
    }
    return control;
  }

  private arnsOf(call: SandboxCall): string[] {
    if (typeof call.input.RoutingControlArn === "string") return [call.input.RoutingControlArn];
    const entries = (call.input.UpdateRoutingControlStateEntries ?? []) as StateEntry[];
    return entries.map((entry) => String(entry.RoutingControlArn ?? ""));
  }
}

interface StateEntry {
  RoutingControlArn?: unknown;
  RoutingControlState?: unknown;
}
