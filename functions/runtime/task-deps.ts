import type { ClientProvider } from "../../adapters/aws/region-clients.js";
import type { DigestResult } from "../../core/audit/write-digest.js";
import type { Clock } from "../../core/clock.js";
import type { PlanCatalog } from "../../core/plan/plan-catalog.js";
import type { Plan } from "../../core/plan/schema.js";
import type { AuditPort } from "../../core/ports/audit.js";
import type { DnsAnswersPort } from "../../core/ports/dns-answers.js";
import type { HttpProbePort } from "../../core/ports/http-probe.js";
import type { KubernetesPort } from "../../core/ports/kubernetes.js";
import type { FencingStatePort, PlanStatePort } from "../../core/ports/plan-state.js";
import type { NotifierPort } from "../../core/ports/workflows.js";

/**
 * What every workflow step's function is built with: the plans, the tables, the clients of its own role.
 * Its production build (production-deps.ts) reaches DynamoDB only; a function adds the rest of TaskDeps it
 * uses itself, so its bundle holds only the SDK clients of those parts.
 */
export interface StepDeps {
  plans: PlanCatalog;
  clock: Clock;
  clients: ClientProvider;
  audit: AuditPort;
  /** The plan's lock and runtime state; the scheduled fencing marks a returned region fenced through it. */
  state: PlanStatePort & FencingStatePort;
  /** The identity the function acts as, recorded on its audit records. */
  actor: string;
}

/**
 * What the workflow steps need from outside, all of it: the sandbox builds it once for every step, so
 * the same handler code runs in Lambda, in tests and in the drill. Each handler asks for the part it uses
 * (StepDeps and a Pick of the rest), which any TaskDeps satisfies.
 */
export interface TaskDeps extends StepDeps {
  notifier: NotifierPort;
  /** What the plan's zone's authoritative name servers answer: the data plane users resolve against. */
  dnsAnswers(plan: Plan): DnsAnswersPort;
  /** HTTP GETs as users make them, through the plan's DNS as its zone answers (http-probe blocks). */
  httpProbe(plan: Plan): HttpProbePort;
  /** The Kubernetes API of one region's EKS cluster: where Ready nodes and pods are counted. */
  kubernetes(region: string, clusterName: string): KubernetesPort;
  /**
   * Signs a digest of a plan's chain in this control plane's audit table into its Object Lock bucket
   * (core/audit/write-digest.ts), bound to the region, the signing key and the bucket at cold start.
   */
  writeDigest(plan: string, runsIn?: string): Promise<DigestResult>;
  /** Writes a run's incident report beside the digests (core/report/write-run-report.ts); where it went. */
  writeReport(plan: Plan, executionId: string, runsIn?: string): Promise<string[]>;
}

/** StepDeps and the named parts of TaskDeps: what one handler is built with. */
export type StepDepsWith<K extends Exclude<keyof TaskDeps, keyof StepDeps>> = StepDeps & Pick<TaskDeps, K>;

/** Dependencies are built on first use, not at import, so importing a handler never reads the environment. */
export type DepsSource<T> = () => T | Promise<T>;

export function memoize<T>(source: DepsSource<T>): DepsSource<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= Promise.resolve(source());
    return built;
  };
}
