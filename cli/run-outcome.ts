import type { AuditReaderPort, AuditRecord } from "../core/ports/audit.js";
import { duration } from "./drill-output.js";
import type { ExecutionProgress, StepProgress } from "./step-timeline.js";
import { causeMessage } from "./step-timeline.js";
import type { Style } from "./terminal-style.js";

/**
 * The steps a run takes before it changes anything but an early scale-up it puts back on a flap
 * (stepfunctions/workflow-states.ts: acceptance() and signalHold()). A run is past its acceptance once its
 * pre-checks pass, or once it is at any other step.
 */
const ACCEPTANCE_STEPS = new Set([
  "Accept request",
  "Prepare capacity",
  "Confirm signal",
  "Undo preparation",
  "Pre-checks",
  "Abort",
]);

export function pastAcceptance(progress: ExecutionProgress): boolean {
  const precheck = progress.steps.find((step) => step.name === "Pre-checks" && step.state === "succeeded");
  // Failed pre-checks go on to "Abort", which ends the run; follow it to that end to say why.
  if (precheck) return !precheck.negative;
  return progress.steps.some((step) => !ACCEPTANCE_STEPS.has(step.name));
}

/**
 * Why a run did not succeed, in the trail's words: the Fail state's cause is generic ("the audit trail
 * records why"), the last failed or ignored record is specific. Undefined when the trail cannot be read
 * or says nothing: the outcome line stands without it.
 */
export async function reasonFromAudit(
  audit: Pick<AuditReaderPort, "query">,
  executionArn: string,
): Promise<string | undefined> {
  const records: AuditRecord[] = await audit.query({ executionId: executionArn });
  const failed = records.filter(
    (record) => record.error && (record.outcome === "failed" || record.outcome === "ignored"),
  );
  return failed.at(-1)?.error?.message;
}

/** "✓ failover succeeded in 4 min 12 s", "✗ failback failed (RequestRejected)", and why. */
export function outcomeLines(
  kind: string,
  progress: ExecutionProgress,
  why: string | undefined,
  style: Style,
): string {
  const ok = progress.status === "SUCCEEDED";
  const took =
    progress.startedAt && progress.endedAt
      ? ` in ${duration((progress.endedAt.getTime() - progress.startedAt.getTime()) / 1000)}`
      : "";
  const status = progress.status.toLowerCase().replace("_", " ");
  const head = `${ok ? style.ok("✓") : style.bad("✗")} ${kind} ${status}${progress.error ? ` (${progress.error})` : ""}${took}`;
  const reason = why ?? (ok || !progress.cause ? undefined : causeMessage(progress.cause));
  return `${head}\n${reason ? `  why: ${reason}\n` : ""}`;
}

/** The steps as `--json` shows them: name, how it ended, when, and how long it took. */
export function stepsDocument(steps: readonly StepProgress[]) {
  return steps.map((step) => ({
    name: step.name,
    state: step.state,
    startedAt: step.startedAt.toISOString(),
    ...(step.endedAt
      ? {
          endedAt: step.endedAt.toISOString(),
          seconds: (step.endedAt.getTime() - step.startedAt.getTime()) / 1000,
        }
      : {}),
    ...(step.note ? { note: step.note } : {}),
    ...(step.error ? { error: step.error } : {}),
  }));
}
