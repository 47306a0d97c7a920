import type { ResourceRecordSet } from "@aws-sdk/client-route-53";

/**
 * Route 53's maximums on one ChangeResourceRecordSets request: at most 1,000 ResourceRecord elements, and
 * at most 32,000 characters (spaces included) over all Value elements; in an UPSERT each element and each
 * value counts twice (Route 53 Developer Guide, "Quotas", Maximums on API requests,
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html#limits-api-requests).
 * Modelled so that a drill of a plan with hundreds of records shows a change batch kirikae failed to
 * split as AWS would: refused whole, with InvalidChangeBatch.
 */
export const REQUEST_LIMITS = { resourceRecords: 1_000, valueCharacters: 32_000 } as const;

export interface LimitedChange {
  Action?: string | undefined;
  ResourceRecordSet?: ResourceRecordSet | undefined;
}

/**
 * The limit a batch exceeds, in the words Route 53 is seen to answer with (its InvalidChangeBatch
 * messages, as tools that met them quote them); undefined within both. An alias record has no
 * ResourceRecord elements, so it counts towards neither.
 */
export function requestLimitProblem(changes: readonly LimitedChange[]): string | undefined {
  let resourceRecords = 0;
  let valueCharacters = 0;
  for (const change of changes) {
    const weight = change.Action === "UPSERT" ? 2 : 1;
    const values = (change.ResourceRecordSet?.ResourceRecords ?? []).map((record) => record.Value ?? "");
    resourceRecords += weight * values.length;
    valueCharacters += weight * values.reduce((sum, value) => sum + value.length, 0);
  }
  if (resourceRecords > REQUEST_LIMITS.resourceRecords)
    return `Number of records limit of ${REQUEST_LIMITS.resourceRecords} exceeded.`;
  if (valueCharacters > REQUEST_LIMITS.valueCharacters)
    return `RDATA character limit of ${REQUEST_LIMITS.valueCharacters} exceeded.`;
  return undefined;
}
