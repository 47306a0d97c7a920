import type { BlockOf } from "../core/blocks/block-schemas.js";
import type { Clock } from "../core/clock.js";
import type { Plan } from "../core/plan/schema.js";
import type { HttpAnswer, HttpProbePort } from "../core/ports/http-probe.js";
import type { ModelContext } from "./service-model.js";
import type { RdsModel } from "./services/rds-model.js";
import type { Route53Model } from "./services/route53-model.js";

/** One application the sandbox serves: the zone its names live in, its endpoints, the databases it writes. */
export interface ProbeSite {
  hostedZoneId: string;
  /** The zone's apex (example.com): hosts at or under it are resolved in this zone. */
  zoneName: string;
  /**
   * Each region's endpoint as DNS names it: the record data users get (an address, or a CNAME's or
   * alias's target name), and the endpoint's own health check when it has one.
   */
  endpoints: Array<{ region: string; value: string; healthCheckId?: string }>;
  /** The Aurora global databases the application in a region needs to be writer there to take writes. */
  globalClusterIdentifiers: string[];
}

/** One GET as the sandbox answered it, for tests and drill reports. */
export interface ProbeRequest {
  at: Date;
  url: string;
  /** The region whose endpoint DNS sent the request to, if any. */
  region?: string;
  status: number;
}

/** How many CNAMEs within the sandbox's zones a name is followed through, as a resolver would. */
const MAX_CNAME_HOPS = 8;

/**
 * The application as users reach it, for the plan's HTTP probe blocks. The URL's host is resolved the way
 * a user's resolver gets it, from the zone's authoritative answer now (Route53Model's routing with health
 * checks applied, as SandboxDnsAnswers gives it; A, then AAAA, then CNAME), the answer is mapped to the
 * region whose endpoint it names, and that region answers as the application would:
 * - 200 `{"region": R, "writable": true}` when R is up and the cluster there is the writer of every
 *   global database the site names (no promotion under way);
 * - 503 `{"region": R, "writable": false, "reason": ...}` when R is up but cannot take writes (a read-only
 *   secondary, a promotion under way) or its endpoint fails its own health check (the application broke);
 * - status 0 when nothing answers: the name does not resolve, it resolves to nothing the sandbox serves,
 *   or R is down (after the request's timeout, on the virtual clock), as FetchHttpProbe reports them.
 * Like DNS answers this is a data plane: no SDK call, so no API fault or throttling applies, only
 * region-down.
 */
export class SandboxHttpProbe implements HttpProbePort {
  private readonly asked: ProbeRequest[] = [];

  constructor(
    private readonly estate: Pick<ModelContext, "isRegionUp"> & { clock: Clock },
    private readonly route53: Pick<Route53Model, "answer" | "isHealthy">,
    private readonly rds: Pick<RdsModel, "writerOf" | "statusOf">,
    private readonly sites: readonly ProbeSite[],
  ) {}

  get requests(): readonly ProbeRequest[] {
    return this.asked;
  }

  async get(url: string, timeoutMs: number): Promise<HttpAnswer> {
    const at = this.estate.clock.now();
    const answer = await this.answer(url, timeoutMs);
    this.asked.push({ at, url, status: answer.status, ...(answer.region ? { region: answer.region } : {}) });
    return { status: answer.status, body: answer.body };
  }

  private async answer(url: string, timeoutMs: number): Promise<HttpAnswer & { region?: string }> {
    let host: string;
    try {
      host = new URL(url).hostname.toLowerCase().replace(/\.$/, "");
    } catch {
      return { status: 0, body: `TypeError: Invalid URL: ${url}` };
    }
    const resolved = this.resolve(host);
    if (!resolved) return { status: 0, body: `ENOTFOUND: getaddrinfo ENOTFOUND ${host}` };
    const { site, endpoint, value } = resolved;
    if (!endpoint)
      return { status: 0, body: `ECONNREFUSED: ${host} resolves to ${value}, which serves nothing` };
    const { region } = endpoint;
    if (!this.estate.isRegionUp(region)) {
      await this.estate.clock.sleep(timeoutMs);
      return { status: 0, body: `TimeoutError: no answer within ${timeoutMs} ms`, region };
    }
    if (endpoint.healthCheckId !== undefined && !this.route53.isHealthy(endpoint.healthCheckId)) {
      return unavailable(region, `the application in ${region} fails its health check`);
    }
    for (const id of site.globalClusterIdentifiers) {
      const status = this.rds.statusOf(id);
      if (status === undefined) return unavailable(region, `the sandbox has no global database ${id}`);
      if (status !== "available") {
        return unavailable(region, `global database ${id} is ${status}: no writer until it completes`);
      }
      const writer = this.rds.writerOf(id)?.region;
      if (writer !== region) {
        return unavailable(
          region,
          `the ${id} cluster in ${region} is a read-only secondary${writer ? ` (the writer is in ${writer})` : ""}`,
        );
      }
    }
    return { status: 200, body: JSON.stringify({ region, writable: true }), region };
  }

  /** The host's answer, through CNAMEs within the sandbox's zones, and the endpoint it names if any. */
  private resolve(
    host: string,
  ): { site: ProbeSite; endpoint: ProbeSite["endpoints"][number] | undefined; value: string } | undefined {
    let name = host;
    for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      const site = this.siteOf(name);
      if (!site) return undefined;
      const values = this.lookup(site, name);
      // A multivalue answer lists several; a user's client takes the first.
      const [value] = values;
      if (value === undefined) return undefined;
      const endpoint = site.endpoints.find((candidate) => normalise(candidate.value) === value);
      if (endpoint || !this.siteOf(value)) return { site, endpoint, value };
      name = value;
    }
    return undefined;
  }

  private lookup(site: ProbeSite, name: string): string[] {
    for (const type of ["A", "AAAA", "CNAME"]) {
      const answer = this.route53.answer(site.hostedZoneId, name, type).map(normalise);
      if (answer.length > 0) return answer;
    }
    return [];
  }

  /** The site whose zone holds the name; the longest zone name wins, as delegation would have it. */
  private siteOf(name: string): ProbeSite | undefined {
    return [...this.sites]
      .filter((site) => name === normalise(site.zoneName) || name.endsWith(`.${normalise(site.zoneName)}`))
      .sort((a, b) => b.zoneName.length - a.zoneName.length)[0];
  }
}

/**
 * A plan's applications as probe sites: one per Route 53 block (its zone, its records' regional targets as
 * endpoints), each writing to every Aurora global database the plan's blocks name.
 */
export function probeSitesOf(plan: Plan): ProbeSite[] {
  const databases = plan.recovery.blocks.flatMap((block) =>
    block.kind === "aurora-global" ? [block.database.globalClusterIdentifier] : [],
  );
  return plan.recovery.blocks.flatMap((block) =>
    block.kind === "route53" ? [siteOf(block.dns, databases)] : [],
  );
}

function siteOf(dns: BlockOf<"route53">["dns"], globalClusterIdentifiers: string[]): ProbeSite {
  // The zone's apex: the plan's own word, or the first record's parent (app.example.com -> example.com).
  const [first] = dns.records;
  const zoneName =
    dns.zoneName?.replace(/\.$/, "") ??
    (first ? first.name.replace(/\.$/, "").split(".").slice(1).join(".") : "");
  return {
    hostedZoneId: dns.hostedZoneId,
    zoneName,
    endpoints: dns.records.flatMap((record) =>
      Object.entries(record.targets).map(([region, target]) => ({
        region,
        value: target.value,
        ...(target.healthCheckId ? { healthCheckId: target.healthCheckId } : {}),
      })),
    ),
    globalClusterIdentifiers,
  };
}

function unavailable(region: string, reason: string): HttpAnswer & { region: string } {
  return { status: 503, body: JSON.stringify({ region, writable: false, reason }), region };
}

function normalise(value: string): string {
  return value.toLowerCase().replace(/\.$/, "");
}
