import type { Block, BlockKind } from "../core/blocks/block-schemas.js";
import { createAbortWorkflowHandler } from "../functions/abort-workflow.js";
import { createAcceptRequestHandler } from "../functions/accept-request.js";
import { createCompleteWorkflowHandler } from "../functions/complete-workflow.js";
import { createConfirmSignalHandler } from "../functions/confirm-signal.js";
import { createPrecheckHandler } from "../functions/precheck.js";
import { createPrepareCapacityHandler } from "../functions/prepare-capacity.js";
import { createRequestApprovalHandler } from "../functions/request-approval.js";
import { createUndoPreparationHandler } from "../functions/undo-preparation.js";
import { createVerifyRecoveryHandler } from "../functions/verify-recovery.js";
import { approvalStep } from "./approval.js";
import { auroraGlobalStep } from "./aurora-global.js";
import { autoScalingGroupStatements, autoScalingGroupStep } from "./auto-scaling-group.js";
import { ecsServiceStatements, ecsServiceStep } from "./ecs-service.js";
import { eksStep } from "./eks.js";
import { httpProbeStep } from "./http-probe.js";
import { lambdaStep } from "./lambda.js";
import { route53Step } from "./route53.js";
import type { AnyStepKind, StepKind, TaskFunction } from "./step-kind.js";

/**
 * Every kind of block, by kind: the one list. The type makes it complete (a kind in the plan schema
 * without an entry here does not compile), and everything else is read from it: the task functions
 * infra deploys and the sandbox runs, their grants, the states of each plan's workflows.
 */
export const stepKinds: { [K in BlockKind]: StepKind<K> } = {
  "aurora-global": auroraGlobalStep,
  eks: eksStep,
  route53: route53Step,
  "auto-scaling-group": autoScalingGroupStep,
  "ecs-service": ecsServiceStep,
  lambda: lambdaStep,
  "http-probe": httpProbeStep,
  approval: approvalStep,
};

export function stepKindOf(block: Block): AnyStepKind {
  return stepKinds[block.kind] as AnyStepKind;
}

/** The steps every workflow has around its blocks: acceptance, the hold, the checks, the outcome. */
export const workflowFunctions: readonly TaskFunction[] = [
  {
    key: "acceptRequest",
    handler: "functions/accept-request.handler",
    create: createAcceptRequestHandler,
    access: ["state.read", "state.update", "audit.append"],
    description: "Accepts or refuses a run and takes the plan's lock",
  },
  {
    key: "confirmSignal",
    handler: "functions/confirm-signal.handler",
    create: createConfirmSignalHandler,
    access: ["state.read", "state.update", "alarms.describe", "audit.append", "notify"],
    description: "Holds an alarm-started failover and checks the signal did not flap",
  },
  {
    key: "precheck",
    handler: "functions/precheck.handler",
    create: createPrecheckHandler,
    access: [
      "database.describe",
      "database.probe",
      "database.lag",
      "compute.clusters",
      "compute.nodegroups",
      "dns.health",
      "audit.append",
    ],
    description: "Checks the region being activated is ready, changing nothing",
  },
  {
    key: "requestApproval",
    handler: "functions/request-approval.handler",
    create: createRequestApprovalHandler,
    access: ["state.update", "audit.append", "notify"],
    description: "Keeps a paused run's task token and asks a person",
  },
  {
    key: "verifyRecovery",
    handler: "functions/verify-recovery.handler",
    create: createVerifyRecoveryHandler,
    access: ["database.describe", "dns.health", "compute.clusters", "audit.append"],
    description: "Verifies recovery as users see it and measures RTO and RPO",
  },
  {
    key: "completeWorkflow",
    handler: "functions/complete-workflow.handler",
    create: createCompleteWorkflowHandler,
    access: ["state.update", "audit.append", "notify", "digests.write", "reports.write"],
    description: "Records a run's outcome and releases the lock",
  },
  {
    key: "abortWorkflow",
    handler: "functions/abort-workflow.handler",
    create: createAbortWorkflowHandler,
    // The undo of the Auto Scaling group and ECS service blocks (core/recovery/undo-capacity.ts).
    statements: (scope) => [...autoScalingGroupStatements(scope), ...ecsServiceStatements(scope)],
    access: [
      "database.describe",
      "compute.clusters",
      "compute.nodegroups",
      "compute.scale",
      "state.update",
      "audit.append",
      "notify",
      "digests.write",
      "reports.write",
    ],
    description: "Escalates a run that cannot finish, undoing only what is safe",
  },
];

/**
 * The early scale-up during the hold and its undo on a flap: deployed only where a plan sets
 * triggers.prepareDuringHold, so no other region's roles hold their grants.
 */
export const preparationFunctions: readonly TaskFunction[] = [
  {
    key: "prepareCapacity",
    handler: "functions/prepare-capacity.handler",
    create: createPrepareCapacityHandler,
    // The Auto Scaling group and ECS service blocks are raised early too (core/failover/prepare-capacity.ts).
    statements: (scope) => [...autoScalingGroupStatements(scope), ...ecsServiceStatements(scope)],
    access: ["state.read", "compute.clusters", "compute.nodegroups", "compute.scale", "audit.append"],
    description: "Scales the standby up at the first alarm, while the hold runs (prepareDuringHold)",
  },
  {
    key: "undoPreparation",
    handler: "functions/undo-preparation.handler",
    create: createUndoPreparationHandler,
    statements: (scope) => [...autoScalingGroupStatements(scope), ...ecsServiceStatements(scope)],
    access: [
      "state.read",
      "state.update",
      "compute.clusters",
      "compute.nodegroups",
      "compute.scale",
      "audit.append",
      "notify",
    ],
    description: "Puts an early scale-up back after a flap, then ends the run",
  },
];

/** Every task function: the workflow's own, then each kind's, in the registry's order. */
export function taskFunctions(): TaskFunction[] {
  return [
    ...workflowFunctions,
    ...preparationFunctions,
    ...Object.values(stepKinds).flatMap((kind) => kind.functions),
  ];
}

/**
 * The task functions a stage deploys for its plans: the workflow's own, and those of the kinds of block
 * its plans use, so no role holds grants for a kind nothing runs.
 */
export function taskFunctionsFor(
  plans: readonly { recovery: { blocks: readonly Block[] }; triggers: { prepareDuringHold: boolean } }[],
): TaskFunction[] {
  const used = new Set(plans.flatMap((plan) => plan.recovery.blocks.map((block) => block.kind)));
  return [
    ...workflowFunctions,
    ...(plans.some((plan) => plan.triggers.prepareDuringHold) ? preparationFunctions : []),
    ...(Object.values(stepKinds) as AnyStepKind[])
      .filter((kind) => used.has(kind.kind))
      .flatMap((kind) => kind.functions),
  ];
}

export function taskFunction(key: string): TaskFunction | undefined {
  return taskFunctions().find((candidate) => candidate.key === key);
}
