import { describe, expect, it } from "vitest";
import {
  AuthoritativeDns,
  type DnsResolver,
  type ResolverFactory,
} from "../../adapters/dns/authoritative-dns.js";
import { DnsAnswerError } from "../../adapters/dns/dns-answer-error.js";

const NAME_SERVERS: Record<string, string[]> = {
  "ns-0.awsdns-00.com": ["205.251.192.0"],
  "ns-512.awsdns-00.net": ["205.251.194.0"],
};
const AUTHORITATIVE = ["205.251.192.0", "205.251.194.0"];

type Records = Record<string, Partial<Record<"A" | "AAAA" | "CNAME", string[]>>>;

function dnsError(code: string): Error {
  return Object.assign(new Error(`query failed: ${code}`), { code });
}

/**
 * A stand-in for the network: the ordinary resolver knows the zone's NS record and the name servers'
 * addresses, and only a resolver pointed at the authoritative servers knows the zone's records (so a
 * test passes only if the adapter really asks them). `fail` makes every query for a name fail with a code.
 */
function fakeDns(
  records: Records,
  fail: Record<string, string> = {},
  publicAddresses: Record<string, string[]> = {},
) {
  const created: Array<{ options: { timeout: number; tries: number }; servers: readonly string[] }> = [];
  const queries: string[] = [];
  const factory: ResolverFactory = (options) => {
    const state = { options, servers: [] as readonly string[] };
    created.push(state);
    const authoritative = () => AUTHORITATIVE.every((address) => state.servers.includes(address));
    const lookup = (type: string, name: string, answer: () => string[] | undefined) => {
      queries.push(`${type} ${name} @${state.servers.join(",") || "system"}`);
      const code = fail[name];
      if (code) return Promise.reject(dnsError(code));
      try {
        const found = answer();
        return found === undefined ? Promise.reject(dnsError("ENOTFOUND")) : Promise.resolve(found);
      } catch (error) {
        return Promise.reject(error);
      }
    };
    const zoneRecord = (type: "A" | "AAAA" | "CNAME", name: string) => {
      if (!authoritative()) return undefined;
      const record = records[name];
      if (!record) return undefined;
      const values = record[type];
      if (values === undefined) throw dnsError("ENODATA");
      return values;
    };
    const resolver: DnsResolver = {
      setServers: (servers) => {
        state.servers = [...servers];
      },
      resolveNs: (name) =>
        lookup("NS", name, () => (name === "example.com" ? Object.keys(NAME_SERVERS) : undefined)),
      resolve4: (name) =>
        lookup("A", name, () =>
          name in NAME_SERVERS
            ? NAME_SERVERS[name]
            : !authoritative() && name in publicAddresses
              ? publicAddresses[name]
              : zoneRecord("A", name),
        ),
      resolve6: (name) => lookup("AAAA", name, () => zoneRecord("AAAA", name)),
      resolveCname: (name) => lookup("CNAME", name, () => zoneRecord("CNAME", name)),
    };
    return resolver;
  };
  return { factory, created, queries };
}

function adapter(dns: ReturnType<typeof fakeDns>, deadlineMs?: number) {
  return new AuthoritativeDns({
    zoneName: "example.com",
    resolverFactory: dns.factory,
    timeoutMs: 500,
    tries: 2,
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
  });
}

describe("authoritative DNS answers (the data plane a failover confirms its switch on)", () => {
  it("answers each record type from the zone's own name servers, found through DNS alone", async () => {
    const dns = fakeDns({
      "app.example.com": { CNAME: ["shop-singapore.elb.example.com"] },
      "www.example.com": { A: ["192.0.2.10"], AAAA: ["2001:db8::10"] },
    });
    const answers = adapter(dns);

    const cname = await answers.answer("app.example.com", "CNAME");
    const a = await answers.answer("www.example.com", "A");
    const aaaa = await answers.answer("www.example.com", "AAAA");

    expect({ cname, a, aaaa }).toEqual({
      cname: ["shop-singapore.elb.example.com"],
      a: ["192.0.2.10"],
      aaaa: ["2001:db8::10"],
    });
  });

  it("looks the name servers up once and reuses them, with a bounded timeout on every resolver", async () => {
    const dns = fakeDns({ "app.example.com": { CNAME: ["shop-tokyo.elb.example.com"] } });
    const answers = adapter(dns);

    await answers.answer("app.example.com", "CNAME");
    await answers.answer("app.example.com", "CNAME");

    expect(dns.queries.filter((query) => query.startsWith("NS "))).toEqual(["NS example.com @system"]);
    expect(dns.queries.filter((query) => query.startsWith("CNAME "))).toEqual([
      "CNAME app.example.com @205.251.192.0,205.251.194.0",
      "CNAME app.example.com @205.251.192.0,205.251.194.0",
    ]);
    expect(
      dns.created.every((resolver) => resolver.options.timeout === 500 && resolver.options.tries === 2),
    ).toBe(true);
  });

  it("resolves an alias's load balancer name with the ordinary resolver, not the zone's servers", async () => {
    const dns = fakeDns({}, {}, { "dualstack.shop-alb.elb.amazonaws.com": ["203.0.113.10", "203.0.113.11"] });
    const answers = adapter(dns);

    const addresses = await answers.addressesOf("dualstack.shop-alb.elb.amazonaws.com", "A");

    expect(addresses).toEqual(["203.0.113.10", "203.0.113.11"]);
    expect(dns.queries).toEqual(["A dualstack.shop-alb.elb.amazonaws.com @system"]);
  });

  it("answers nothing, without an error, for a name that does not exist or has no record of that type", async () => {
    const dns = fakeDns({ "www.example.com": { A: ["192.0.2.10"] } });
    const answers = adapter(dns);

    await expect(answers.answer("gone.example.com", "CNAME")).resolves.toEqual([]);
    await expect(answers.answer("www.example.com", "AAAA")).resolves.toEqual([]);
  });

  it("fails with a typed error naming the record when the servers do not answer, and looks them up again next time", async () => {
    const dns = fakeDns(
      { "app.example.com": { CNAME: ["x.example.com"] } },
      { "app.example.com": "ESERVFAIL" },
    );
    const answers = adapter(dns);

    const failure = await answers.answer("app.example.com", "CNAME").catch((error: unknown) => error);
    await answers.answer("app.example.com", "CNAME").catch(() => undefined);

    expect(failure).toBeInstanceOf(DnsAnswerError);
    expect(failure).toMatchObject({ name: "DnsAnswerError", resource: "app.example.com" });
    expect((failure as Error).message).toMatch(/ESERVFAIL/);
    expect(dns.queries.filter((query) => query.startsWith("NS "))).toHaveLength(2);
  });

  it("says which zone it could not find name servers for", async () => {
    const dns = fakeDns({}, { "example.com": "ETIMEOUT" });

    const failure = await adapter(dns)
      .answer("app.example.com", "CNAME")
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DnsAnswerError);
    expect(failure).toMatchObject({ resource: "example.com" });
  });

  it("gives up at its deadline when a resolver never answers, so a slow resolver cannot hang a Lambda", async () => {
    const dns = fakeDns({});
    const hanging: ResolverFactory = (options) => ({
      ...dns.factory(options),
      resolveCname: () => new Promise<string[]>(() => undefined),
    });
    const answers = new AuthoritativeDns({
      zoneName: "example.com",
      resolverFactory: hanging,
      deadlineMs: 50,
    });

    const failure = await answers.answer("app.example.com", "CNAME").catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DnsAnswerError);
    expect((failure as Error).message).toMatch(/ETIMEOUT/);
  });

  it("refuses a record type it cannot confirm, rather than answer nothing", async () => {
    const answers = adapter(fakeDns({}));

    await expect(answers.answer("app.example.com", "TXT")).rejects.toBeInstanceOf(DnsAnswerError);
  });
});
