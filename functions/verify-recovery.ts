import { RdsGlobalDatabase } from "../adapters/aws/rds-global-database.js";
import { eksKubernetes } from "../adapters/k8s/eks-kubernetes.js";
import type { PromotionProgress } from "../core/failover/promote-database.js";
import { verifyRecovery } from "../core/failover/verify-recovery.js";
import { authoritativeAnswers } from "./runtime/authoritative-answers.js";
import { blockResults } from "./runtime/block-task.js";
import { healthCheckReader } from "./runtime/health-checks.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type StepDepsWith } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";

export const createVerifyRecoveryHandler = (deps: DepsSource<StepDepsWith<"dnsAnswers" | "kubernetes">>) =>
  taskHandler("verify-recovery", deps, (context, event, resolved) =>
    verifyRecovery(
      context,
      {
        database: new RdsGlobalDatabase(resolved.clients),
        healthChecks: healthCheckReader(resolved.clients),
        answers: resolved.dnsAnswers(context.plan),
        kubernetes: resolved.kubernetes,
      },
      blockResults(event, context.plan.recovery.blocks, "aurora-global")[0] as unknown as
        | PromotionProgress
        | undefined,
    ),
  );

export const handler = createVerifyRecoveryHandler(
  memoize(async () => {
    const base = await productionStepDeps();
    return { ...base, dnsAnswers: authoritativeAnswers(), kubernetes: eksKubernetes(base.clients) };
  }),
);
