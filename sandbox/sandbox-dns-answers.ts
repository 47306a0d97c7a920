import type { Clock } from "../core/clock.js";
import type { DnsAnswersPort } from "../core/ports/dns-answers.js";
import type { Route53Model } from "./services/route53-model.js";

export interface DnsQuery {
  at: Date;
  name: string;
  type: string;
  answer: string[];
}

/**
 * The sandbox's authoritative name servers: answers straight from Route53Model's routing (health checks
 * applied), as Route 53's data plane gives them. Deliberately not an SDK call through the estate: DNS
 * answers keep coming when Route 53's API in us-east-1 is down: Route 53 runs its control plane in
 * us-east-1 and its data plane in points of presence worldwide and in every Region (AWS whitepaper "AWS
 * Fault Isolation Boundaries", Global services,
 * https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/global-services.html),
 * so no region-down fault or throttling applies. Each query is kept in `queries`, so a test can show a
 * confirmation really asked DNS.
 */
export class SandboxDnsAnswers implements DnsAnswersPort {
  private readonly asked: DnsQuery[] = [];

  constructor(
    private readonly route53: Pick<Route53Model, "answer">,
    private readonly hostedZoneId: string,
    private readonly clock: Clock,
  ) {}

  get queries(): readonly DnsQuery[] {
    return this.asked;
  }

  /** The Route 53 model answers an alias with its target's name, so the target "resolves" to its name. */
  async addressesOf(hostname: string): Promise<string[]> {
    return [hostname];
  }

  async answer(name: string, type: string): Promise<string[]> {
    const answer = this.route53.answer(this.hostedZoneId, name, type);
    this.asked.push({ at: this.clock.now(), name, type, answer: [...answer] });
    return answer;
  }
}
