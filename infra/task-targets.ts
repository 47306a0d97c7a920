/**
 * The Lambda functions a state machine definition invokes, found in every Task wherever it sits
 * (Parallel branches, Map iterators). A Task names its function in one of two ways:
 *   - Resource is the function's ARN (the plain Lambda integration);
 *   - Resource is `arn:aws:states:::lambda:invoke` or `...lambda:invoke.waitForTaskToken`, and
 *     Parameters.FunctionName is the function's ARN.
 * A FunctionName chosen at run time (`FunctionName.$`) cannot be checked against what infra creates, so it
 * is reported as unresolvable rather than passed over.
 */
export interface TaskTarget {
  state: string;
  /** The function's ARN, or undefined when the Task does not name one statically. */
  functionArn: string | undefined;
  integration: "lambda-arn" | "lambda:invoke" | "lambda:invoke.waitForTaskToken" | "other";
}

type States = Record<string, Record<string, unknown>>;

const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke(\.waitForTaskToken)?$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9-_]+(:[A-Za-z0-9-_$]+)?$/;

export function taskTargets(definition: { States: States }): TaskTarget[] {
  const found: TaskTarget[] = [];
  for (const [state, body] of Object.entries(definition.States)) {
    if (body.Type === "Task") found.push(targetOf(state, body));
    if (body.Type === "Parallel") {
      for (const branch of (body.Branches ?? []) as Array<{ States: States }>)
        found.push(...taskTargets(branch));
    }
    if (body.Type === "Map") {
      const inner = (body.ItemProcessor ?? body.Iterator) as { States: States } | undefined;
      if (inner) found.push(...taskTargets(inner));
    }
  }
  return found;
}

function targetOf(state: string, body: Record<string, unknown>): TaskTarget {
  const resource = String(body.Resource ?? "");
  const invoke = LAMBDA_INVOKE.exec(resource);
  if (invoke) {
    const name = (body.Parameters as Record<string, unknown> | undefined)?.FunctionName;
    return {
      state,
      functionArn: typeof name === "string" && LAMBDA_ARN.test(name) ? name : undefined,
      integration: invoke[1] ? "lambda:invoke.waitForTaskToken" : "lambda:invoke",
    };
  }
  if (LAMBDA_ARN.test(resource)) return { state, functionArn: resource, integration: "lambda-arn" };
  return { state, functionArn: undefined, integration: "other" };
}
