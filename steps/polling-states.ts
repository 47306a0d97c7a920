import type { BlockKind } from "../core/blocks/block-schemas.js";
import { type AslState, catchAll, TASK_TIMEOUT_SECONDS, TRANSIENT_RETRY } from "../stepfunctions/asl.js";
import type { BlockStateContext, BlockStates } from "./step-kind.js";

/**
 * A block's bounded polling loop (the shape of every step that waits on AWS): call the kind's function
 * with the block named in its input, stop when it reports done, else wait the seconds it asks for and
 * call it again; the function enforces the rollback trigger. `choices` route other results (the
 * promotion's "ask") before the wait.
 */
export function pollingStates<K extends BlockKind>(
  context: BlockStateContext<K>,
  verb: string,
  functionKey: string,
  extra: { choices?: AslState[]; states?: Record<string, AslState> } = {},
): BlockStates & { name: string } {
  const name = `${verb} ${context.block.id}`;
  const check = `${name} done?`;
  const wait = `Wait for ${name.toLowerCase()}`;
  const finished = `${name}: done`;
  return {
    name,
    entry: name,
    states: {
      [name]: {
        Type: "Task",
        Resource: context.arn(functionKey),
        Parameters: context.parameters,
        ResultPath: context.resultPath,
        TimeoutSeconds: TASK_TIMEOUT_SECONDS,
        Retry: [TRANSIENT_RETRY],
        ...(context.catchTo ? { Catch: [catchAll(context.catchTo)] } : {}),
        Next: check,
      },
      [check]: {
        Type: "Choice",
        Choices: [
          { Variable: `${context.resultPath}.status`, StringEquals: "done", Next: finished },
          ...(extra.choices ?? []),
        ],
        Default: wait,
      },
      [wait]: { Type: "Wait", SecondsPath: `${context.resultPath}.pollAfterSeconds`, Next: name },
      [finished]: context.done,
      ...extra.states,
    },
  };
}
