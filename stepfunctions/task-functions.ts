/**
 * The Lambda functions behind the workflows' Task states. Infra creates one function per key and passes
 * their ARNs to the definitions; the local runner maps each Task back to the same handler by its ARN.
 */
export const taskFunctionKeys = [
  "acceptRequest",
  "confirmSignal",
  "precheck",
  "requestApproval",
  "promoteDatabase",
  "scaleNodegroups",
  "scaleDownNodegroups",
  "switchTraffic",
  "verifyRecovery",
  "completeWorkflow",
  "abortWorkflow",
] as const;

export type TaskFunctionKey = (typeof taskFunctionKeys)[number];
export type TaskFunctionArns = Record<TaskFunctionKey, string>;

/** Handler entry points, relative to the repository root, as `file.export`. */
export const taskFunctionHandlers: Record<TaskFunctionKey, string> = {
  acceptRequest: "functions/accept-request.handler",
  confirmSignal: "functions/confirm-signal.handler",
  precheck: "functions/precheck.handler",
  requestApproval: "functions/request-approval.handler",
  promoteDatabase: "functions/promote-database.handler",
  scaleNodegroups: "functions/scale-nodegroups.handler",
  scaleDownNodegroups: "functions/scale-down-nodegroups.handler",
  switchTraffic: "functions/switch-traffic.handler",
  verifyRecovery: "functions/verify-recovery.handler",
  completeWorkflow: "functions/complete-workflow.handler",
  abortWorkflow: "functions/abort-workflow.handler",
};

/** ARNs of the shape infra produces, for the local runner, which never calls Lambda. */
export function localTaskFunctionArns(region = "us-east-1", account = "000000000000"): TaskFunctionArns {
  const arns = {} as TaskFunctionArns;
  for (const key of taskFunctionKeys)
    arns[key] = `arn:aws:lambda:${region}:${account}:function:kirikae-${key}`;
  return arns;
}
