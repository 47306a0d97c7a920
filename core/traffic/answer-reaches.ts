import type { DnsRecord } from "../plan/schema.js";
import type { DnsAnswersPort } from "../ports/dns-answers.js";

/**
 * Whether the name servers' answer for a record sends users to a region's target. A plain target is its
 * value; an alias is answered with its load balancer's addresses, which change, so any overlap with what
 * an ordinary resolver gives for the load balancer's name counts.
 */
export async function answerReaches(
  answers: DnsAnswersPort,
  record: DnsRecord,
  region: string,
  answer: readonly string[],
): Promise<boolean> {
  const target = record.targets[region];
  if (target === undefined) return false;
  const expected =
    target.alias === undefined
      ? [target.value]
      : await answers.addressesOf(target.alias.dnsName, record.type);
  const answered = new Set(answer.map(normalise));
  return expected.some((value) => answered.has(normalise(value)));
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}
