import { KirikaeError } from "../core/errors.js";
import type { ServiceName } from "./service-model.js";

/** A fault injected into the sandbox; faults compose, and each applies to the calls it matches. */
export type Fault =
  | { kind: "region-down"; region: string }
  | { kind: "api-down"; service: ServiceName; region: string }
  | { kind: "throttle"; rate: number; service?: ServiceName }
  | { kind: "latency"; ms: number; region?: string }
  | { kind: "fail"; operation: string; times: number; error: string; region?: string };

export const FAULT_GRAMMAR = [
  "region-down:REGION            every endpoint in REGION stops answering (calls hang until they time out)",
  "api-down:SERVICE:REGION       SERVICE's API in REGION stops answering; data planes (DNS answers, health checkers) do not",
  "throttle:RATE[:SERVICE]       a fraction RATE (0..1) of calls is throttled, optionally only SERVICE's",
  "latency:MS[:REGION]           every call (optionally only in REGION) takes MS milliseconds longer",
  "fail:OPERATION:TIMES[:ERROR]  the next TIMES calls of OPERATION fail with ERROR (default InternalFailure)",
].join("\n");

const services: readonly ServiceName[] = [
  "rds",
  "route53",
  "route53-recovery-cluster",
  "eks",
  "cloudtrail",
  "cloudwatch",
  "sfn",
  "eventbridge",
  "s3",
  "autoscaling",
  "ecs",
  "lambda",
];

export class FaultSpecError extends KirikaeError {
  constructor(spec: string, problem: string) {
    super(`fault "${spec}": ${problem}`, { action: `write faults as one of:\n${FAULT_GRAMMAR}` });
    this.name = "FaultSpecError";
  }
}

/** Parses the fault grammar used by `kirikae drill --fault`. */
export function parseFault(spec: string): Fault {
  const [kind, ...args] = spec.trim().split(":");
  switch (kind) {
    case "region-down": {
      const [region] = args;
      if (!region || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
        throw new FaultSpecError(spec, "needs a region code");
      return { kind, region };
    }
    case "api-down": {
      const [service, region] = args;
      if (!services.includes(service as ServiceName)) {
        throw new FaultSpecError(spec, `SERVICE must be one of ${services.join(", ")}`);
      }
      if (!region || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
        throw new FaultSpecError(spec, "needs a region code");
      return { kind, service: service as ServiceName, region };
    }
    case "throttle": {
      const rate = Number(args[0]);
      if (!(rate > 0 && rate <= 1)) throw new FaultSpecError(spec, "RATE must be a number in (0, 1]");
      const service = args[1];
      if (service === undefined) return { kind, rate };
      if (!services.includes(service as ServiceName)) {
        throw new FaultSpecError(spec, `SERVICE must be one of ${services.join(", ")}`);
      }
      return { kind, rate, service: service as ServiceName };
    }
    case "latency": {
      const ms = Number(args[0]);
      if (!(Number.isFinite(ms) && ms >= 0))
        throw new FaultSpecError(spec, "MS must be a non-negative number");
      return args[1] === undefined ? { kind, ms } : { kind, ms, region: args[1] };
    }
    case "fail": {
      const [operation, timesText, error] = args;
      const times = Number(timesText);
      if (!operation || !/^[A-Z][A-Za-z]+$/.test(operation)) {
        throw new FaultSpecError(spec, "OPERATION must be an API name such as SwitchoverGlobalCluster");
      }
      if (!(Number.isInteger(times) && times > 0))
        throw new FaultSpecError(spec, "TIMES must be a positive integer");
      return { kind, operation, times, error: error || "InternalFailure" };
    }
    default:
      throw new FaultSpecError(spec, `unknown fault kind "${kind}"`);
  }
}
