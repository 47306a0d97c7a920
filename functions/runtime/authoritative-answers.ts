import { AuthoritativeDns } from "../../adapters/dns/authoritative-dns.js";
import type { Plan } from "../../core/plan/schema.js";
import type { DnsAnswersPort } from "../../core/ports/dns-answers.js";
import { zoneNameOf } from "../../core/traffic/zone-name.js";

/** One resolver per zone, kept for the life of the instance so the name servers are looked up once. */
export function authoritativeAnswers(): (plan: Plan) => DnsAnswersPort {
  const byZone = new Map<string, AuthoritativeDns>();
  return (plan: Plan) => {
    const zoneName = zoneNameOf(plan);
    let answers = byZone.get(zoneName);
    if (!answers) {
      answers = new AuthoritativeDns({ zoneName });
      byZone.set(zoneName, answers);
    }
    return answers;
  };
}
