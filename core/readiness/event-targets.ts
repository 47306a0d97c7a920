const lambdaArn = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:([A-Za-z0-9_-]+)(?::[^:]+)?$/;
const eventBusArn = /^arn:aws[a-z-]*:events:([a-z0-9-]+):\d{12}:event-bus\/(.+)$/;

/** Whether an EventBridge target is the named function (any version or alias of it). */
export function isFunction(targetArn: string, functionName: string): boolean {
  return lambdaArn.exec(targetArn)?.[2] === functionName;
}

/** The event bus an EventBridge target forwards to, if the target is one. */
export function eventBusOf(targetArn: string): { region: string; name: string } | undefined {
  const match = eventBusArn.exec(targetArn);
  return match?.[1] && match[2] ? { region: match[1], name: match[2] } : undefined;
}
