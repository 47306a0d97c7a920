/**
 * EventBridge's matching for the patterns kirikae writes: every field the pattern names must be present,
 * a list matches when the event's value is one of its literals, an object matches field by field, and
 * `$or` holds alternative patterns at its level, any one of which may match.
 * (Content filters such as prefix or numeric are not used by kirikae and are refused here.)
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) {
    for (const value of pattern) {
      if (typeof value === "object" && value !== null)
        throw new Error("content filters are not supported here");
    }
    return pattern.includes(event as never);
  }
  if (typeof pattern !== "object" || pattern === null)
    throw new Error(`not a pattern: ${JSON.stringify(pattern)}`);
  if (typeof event !== "object" || event === null) return false;
  return Object.entries(pattern).every(([field, inner]) => {
    if (field !== "$or") return matchesPattern(inner, (event as Record<string, unknown>)[field]);
    if (!Array.isArray(inner) || inner.length < 2)
      throw new Error(`$or needs a list of at least two patterns: ${JSON.stringify(inner)}`);
    return inner.some((alternative) => matchesPattern(alternative, event));
  });
}

/** The event CloudWatch puts on the default bus of the alarm's region when it changes state. */
export function alarmEvent(region: string, alarmName: string, state: "ALARM" | "OK" = "ALARM") {
  return {
    version: "0",
    id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: "111122223333",
    time: "2026-11-23T01:02:03Z",
    region,
    resources: [`arn:aws:cloudwatch:${region}:111122223333:alarm:${alarmName}`],
    detail: {
      alarmName,
      state: { value: state, reason: "Threshold Crossed", timestamp: "2026-11-23T01:02:03.000+0000" },
      previousState: { value: state === "ALARM" ? "OK" : "ALARM", timestamp: "2026-11-23T00:00:00.000+0000" },
    },
  };
}
