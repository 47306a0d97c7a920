import { taskFunctions } from "../steps/registry.js";

/**
 * The Lambda functions behind the workflows' Task states, read from the step registry (steps/registry.ts):
 * infra creates one function per key and passes their ARNs to the definitions; the local runner maps each
 * Task back to the same handler by its ARN.
 */
export const taskFunctionKeys: readonly string[] = taskFunctions().map((definition) => definition.key);

export type TaskFunctionKey = string;
export type TaskFunctionArns = Readonly<Record<TaskFunctionKey, string>>;

/** Handler entry points, relative to the repository root, as `file.export`. */
export const taskFunctionHandlers: Readonly<Record<TaskFunctionKey, string>> = Object.fromEntries(
  taskFunctions().map((definition) => [definition.key, definition.handler]),
);

/** The ARN of one task function; a definition asking for a function infra did not make is a bug here. */
export function arnOf(functions: TaskFunctionArns, key: TaskFunctionKey): string {
  const arn = functions[key];
  if (arn === undefined) throw new Error(`no task function "${key}": it is not in steps/registry.ts`);
  return arn;
}

/** ARNs of the shape infra produces, for the local runner, which never calls Lambda. */
export function localTaskFunctionArns(region = "us-east-1", account = "000000000000"): TaskFunctionArns {
  return Object.fromEntries(
    taskFunctionKeys.map((key) => [key, `arn:aws:lambda:${region}:${account}:function:kirikae-${key}`]),
  );
}
