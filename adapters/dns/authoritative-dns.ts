import { Resolver } from "node:dns/promises";
import type { DnsAnswersPort } from "../../core/ports/dns-answers.js";
import { DnsAnswerError } from "./dns-answer-error.js";

/** The part of node:dns/promises' Resolver this adapter uses; tests hand in a fake. */
export interface DnsResolver {
  setServers(servers: readonly string[]): void;
  resolveNs(hostname: string): Promise<string[]>;
  resolve4(hostname: string): Promise<string[]>;
  resolve6(hostname: string): Promise<string[]>;
  resolveCname(hostname: string): Promise<string[]>;
  cancel?(): void;
}

/** `timeout` is per try, in ms; `tries` per server (node:dns Resolver options). */
export type ResolverFactory = (options: { timeout: number; tries: number }) => DnsResolver;

export interface AuthoritativeDnsOptions {
  /** The hosted zone's apex, e.g. example.com for app.example.com: whose NS records name the servers. */
  zoneName: string;
  resolverFactory?: ResolverFactory;
  /** Servers that find the zone's name servers; default the system's (in Lambda, the VPC's resolver). */
  bootstrapServers?: readonly string[];
  timeoutMs?: number;
  tries?: number;
  /** A bound on one whole answer, whatever c-ares's own retries and backoff across servers add up to. */
  deadlineMs?: number;
}

const defaultResolverFactory: ResolverFactory = (options) => new Resolver(options);

/** Route 53 and resolvers say "no such name" (NXDOMAIN) or "no record of that type" (NODATA) with these. */
const EMPTY_ANSWER_CODES = new Set(["ENOTFOUND", "ENODATA"]);

/**
 * Asks the zone's authoritative name servers directly: the four servers Route 53 lists in the zone's NS
 * record (Route 53 developer guide, "NS and SOA records that Amazon Route 53 creates for a public hosted
 * zone", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/SOA-NSrecords.html). Every step is a
 * DNS query, so nothing here needs Route 53's API in us-east-1: the NS record and the servers' addresses
 * come from the ordinary resolver and are cached for the life of the instance (AWS "rarely change the IP
 * addresses of name servers": "Getting the name servers for a public hosted zone"), and dropped after a
 * failed answer so the next one looks again. Asking the authoritative servers rather than a caching
 * resolver means the answer is the one Route 53 gives now, health checks applied, not one a TTL ago.
 */
export class AuthoritativeDns implements DnsAnswersPort {
  private readonly zoneName: string;
  private readonly resolverFactory: ResolverFactory;
  private readonly bootstrapServers: readonly string[] | undefined;
  private readonly timeoutMs: number;
  private readonly tries: number;
  private readonly deadlineMs: number;
  private servers: Promise<string[]> | undefined;

  constructor(options: AuthoritativeDnsOptions) {
    this.zoneName = options.zoneName.replace(/\.$/, "");
    this.resolverFactory = options.resolverFactory ?? defaultResolverFactory;
    this.bootstrapServers = options.bootstrapServers;
    this.timeoutMs = options.timeoutMs ?? 1_000;
    this.tries = options.tries ?? 2;
    this.deadlineMs = options.deadlineMs ?? 4_000;
  }

  async answer(name: string, type: string): Promise<string[]> {
    const query = queryFor(type);
    if (!query) {
      throw new DnsAnswerError(`kirikae confirms A, AAAA and CNAME records by DNS, not ${type}`, {
        resource: name,
      });
    }
    const servers = await this.authoritativeServers();
    const resolver = this.resolver();
    resolver.setServers(servers);
    try {
      return await this.withinDeadline(resolver, query(resolver, name), `${type} ${name}`);
    } catch (error) {
      if (EMPTY_ANSWER_CODES.has(codeOf(error))) return [];
      this.servers = undefined;
      throw new DnsAnswerError(
        `the authoritative name servers of ${this.zoneName} gave no answer for ${type} ${name} (${codeOf(error)})`,
        { resource: name, cause: error },
      );
    }
  }

  async addressesOf(hostname: string, type: string): Promise<string[]> {
    const resolver = this.resolver();
    if (this.bootstrapServers) resolver.setServers(this.bootstrapServers);
    const query = type === "AAAA" ? resolver.resolve6(hostname) : resolver.resolve4(hostname);
    try {
      return await this.withinDeadline(resolver, query, `${type} ${hostname}`);
    } catch (error) {
      if (EMPTY_ANSWER_CODES.has(codeOf(error))) return [];
      throw new DnsAnswerError(`no addresses found for ${hostname} (${codeOf(error)})`, {
        resource: hostname,
        cause: error,
      });
    }
  }

  private authoritativeServers(): Promise<string[]> {
    if (!this.servers) {
      this.servers = this.findServers();
      this.servers.catch(() => {
        this.servers = undefined;
      });
    }
    return this.servers;
  }

  private async findServers(): Promise<string[]> {
    const resolver = this.resolver();
    if (this.bootstrapServers) resolver.setServers(this.bootstrapServers);
    let hosts: string[];
    try {
      hosts = await this.withinDeadline(resolver, resolver.resolveNs(this.zoneName), `NS ${this.zoneName}`);
    } catch (error) {
      throw new DnsAnswerError(`cannot find the name servers of ${this.zoneName} (${codeOf(error)})`, {
        resource: this.zoneName,
        cause: error,
      });
    }
    const found = await Promise.allSettled(
      hosts.map((host) => this.withinDeadline(resolver, resolver.resolve4(host), `A ${host}`)),
    );
    const addresses = [
      ...new Set(found.flatMap((result) => (result.status === "fulfilled" ? result.value : []))),
    ];
    if (addresses.length === 0) {
      throw new DnsAnswerError(
        `cannot find the addresses of ${this.zoneName}'s name servers (${hosts.join(", ") || "none listed"})`,
        { resource: this.zoneName },
      );
    }
    return addresses;
  }

  private resolver(): DnsResolver {
    return this.resolverFactory({ timeout: this.timeoutMs, tries: this.tries });
  }

  /** c-ares retries each server with growing timeouts; a Lambda must not wait for all of that. */
  private withinDeadline<T>(resolver: DnsResolver, query: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        resolver.cancel?.();
        reject(
          Object.assign(new Error(`no answer for ${what} within ${this.deadlineMs} ms`), {
            code: "ETIMEOUT",
          }),
        );
      }, this.deadlineMs);
      timer.unref();
    });
    return Promise.race([query, deadline]).finally(() => clearTimeout(timer));
  }
}

type Query = (resolver: DnsResolver, name: string) => Promise<string[]>;

function queryFor(type: string): Query | undefined {
  switch (type.toUpperCase()) {
    case "A":
      return (resolver, name) => resolver.resolve4(name);
    case "AAAA":
      return (resolver, name) => resolver.resolve6(name);
    case "CNAME":
      return (resolver, name) => resolver.resolveCname(name);
    default:
      return undefined;
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : error instanceof Error ? error.name : "unknown error";
}
