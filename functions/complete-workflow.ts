import { completeWorkflow } from "../core/failover/finish-workflow.js";
import type { VerificationProgress } from "../core/failover/verify-recovery.js";
import type { Plan } from "../core/plan/schema.js";
import type { PromotionMode } from "../core/ports/plan-state.js";
import { blockResults } from "./runtime/block-task.js";
import { productionDigests } from "./runtime/digest-deps.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { productionNotifier } from "./runtime/production-notifier.js";
import { type DepsSource, memoize, type StepDepsWith } from "./runtime/task-deps.js";
import type { TaskEvent } from "./runtime/task-event.js";
import { taskHandler } from "./runtime/task-handler.js";

/** How this run promoted its (first) database, from that block's result. */
function promotionMode(event: TaskEvent, plan: Plan): PromotionMode | undefined {
  const mode = blockResults(event, plan.recovery.blocks, "aurora-global")[0]?.mode;
  return mode === "switchover" || mode === "failover" ? mode : undefined;
}

type CompleteDeps = StepDepsWith<"notifier" | "writeDigest" | "writeReport">;

export const createCompleteWorkflowHandler = (deps: DepsSource<CompleteDeps>) =>
  taskHandler("complete-workflow", deps, (context, event, resolved) =>
    completeWorkflow(
      context,
      resolved,
      (event.verification ?? { status: "done" }) as VerificationProgress,
      promotionMode(event, context.plan),
    ),
  );

async function productionCompleteDeps(): Promise<CompleteDeps> {
  const base = await productionStepDeps();
  return { ...base, notifier: productionNotifier(), ...productionDigests(base) };
}

export const handler = createCompleteWorkflowHandler(memoize(productionCompleteDeps));
