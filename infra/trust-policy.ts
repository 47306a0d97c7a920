/**
 * The trust policy that lets one AWS service assume a kirikae role. With `sourceAccount`, only that
 * account's resources of the service may (the confused-deputy guard for services acting on events or
 * executions); Lambda's roles are bound to their functions already and take none.
 */
export function serviceTrustPolicy(service: string, sourceAccount?: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
      },
    ],
  });
}
