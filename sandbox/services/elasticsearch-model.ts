import type { Clock } from "../../core/clock.js";

export interface ElasticsearchTimings {
  /** A restore accepted until its primary shards are recovered from the snapshot (index yellow until then). */
  primaryRecoveryMs: number;
  /** Primaries recovered until the replicas have copied them (index green then). */
  replicaRecoveryMs: number;
}

/**
 * No published figures: a restore's time is the snapshot's size over the repository's throughput. A
 * minute for the primaries and half a minute for the replicas of a small log index are assumed.
 */
export const DEFAULT_ELASTICSEARCH_TIMINGS: ElasticsearchTimings = {
  primaryRecoveryMs: 60_000,
  replicaRecoveryMs: 30_000,
};

export interface IndexSeed {
  primaries?: number;
  replicas?: number;
  docs?: number;
}

/** An index's health now, for tests: Elasticsearch's colour and shard counts. */
export interface IndexHealthSnapshot {
  status: "green" | "yellow" | "red";
  initializingShards: number;
  unassignedShards: number;
}

/** An Elasticsearch REST answer: the status code and the JSON body. */
export interface SearchAnswer {
  status: number;
  body: unknown;
}

interface IndexState {
  primaries: number;
  replicas: number;
  docs: number;
  /** Where the index came from: restored from a snapshot, or there before the incident. */
  restore?: { repository: string; snapshot: string; startedAt: number; primariesFail: boolean };
}

interface DomainState {
  name: string;
  region: string;
  endpoint: string;
  host: string;
  /** repository -> snapshot -> index -> shape */
  repositories: Map<string, Map<string, Map<string, IndexSeed>>>;
  indices: Map<string, IndexState>;
  /** Indices whose next restore fails: its primaries cannot be allocated. */
  failing: Set<string>;
}

const NODES = 3;

/**
 * A search domain (Amazon OpenSearch Service, or Elasticsearch as the seed runbook runs it) per region, as
 * far as a snapshot restore goes, after Elasticsearch's reference ("Restore a snapshot", the cluster
 * health and index recovery APIs): POST _snapshot/<repository>/<snapshot>/_restore with `indices` creates
 * the indices and recovers their primaries from the snapshot (`_recovery` type SNAPSHOT), then their
 * replicas from the primaries (type PEER). Their health is yellow while the primaries recover, not red:
 * Elasticsearch counts the initializing primaries of a restore or a new index as yellow ("In case of index
 * creation, snapshot restore or index shrinking ... cluster health should not turn RED for the time where
 * primaries are still in the initializing state but go to YELLOW instead", ClusterShardHealth in the
 * Elasticsearch source); green once every copy is active. Refusals have Elasticsearch's error shape:
 * repository_missing_exception and snapshot_missing_exception (404), and snapshot_restore_exception (500)
 * for an index that is already open. Not an AWS API, so not in the estate: SandboxSearchHttp
 * (sandbox/seed-custom-steps.ts) reaches it by the domain's endpoint, region-down applied.
 */
export class ElasticsearchModel {
  private readonly domains = new Map<string, DomainState>();
  private readonly timings: ElasticsearchTimings;

  constructor(
    private readonly clock: Clock,
    timings: Partial<ElasticsearchTimings> = {},
  ) {
    this.timings = { ...DEFAULT_ELASTICSEARCH_TIMINGS, ...timings };
  }

  /** Sandbox setup: a domain in a region; returns its endpoint (https://search-NAME-ID.REGION.es.amazonaws.com). */
  addDomain(region: string, name: string, options: { endpoint?: string } = {}): string {
    const endpoint = (
      options.endpoint ?? `https://search-${name}-${idFrom(`${region}/${name}`)}.${region}.es.amazonaws.com`
    ).replace(/\/$/, "");
    const host = new URL(endpoint).hostname;
    this.domains.set(host, {
      name,
      region,
      endpoint,
      host,
      repositories: new Map(),
      indices: new Map(),
      failing: new Set(),
    });
    return endpoint;
  }

  /** The region serving a domain endpoint's host, if the sandbox has that domain. */
  regionOf(host: string): string | undefined {
    return this.domains.get(host.toLowerCase())?.region;
  }

  /** Sandbox setup: a snapshot in a repository registered on the domain (the repository is shared storage). */
  addSnapshot(
    endpoint: string,
    repository: string,
    snapshot: string,
    indices: Record<string, IndexSeed>,
  ): void {
    const domain = this.requireDomain(endpoint);
    let snapshots = domain.repositories.get(repository);
    if (!snapshots) {
      snapshots = new Map();
      domain.repositories.set(repository, snapshots);
    }
    snapshots.set(snapshot, new Map(Object.entries(indices)));
  }

  /** Sandbox setup: an open index already on the domain (a restore of the same name is refused). */
  addIndex(endpoint: string, index: string, seed: IndexSeed = {}): void {
    this.requireDomain(endpoint).indices.set(index, {
      primaries: seed.primaries ?? 1,
      replicas: seed.replicas ?? 1,
      docs: seed.docs ?? 0,
    });
  }

  /** Sandbox control: the next restore of this index fails, its primaries left unassigned (red). */
  failRestoreOf(endpoint: string, index: string): void {
    this.requireDomain(endpoint).failing.add(index);
  }

  /** Sandbox inspection: an index's health now; undefined when the domain has no such index. */
  indexHealth(endpoint: string, index: string): IndexHealthSnapshot | undefined {
    const state = this.requireDomain(endpoint).indices.get(index);
    return state ? this.healthOf(state) : undefined;
  }

  /** One REST request to the domain at the URL's host. Unknown hosts are the caller's to refuse. */
  async request(method: string, url: string, body?: unknown): Promise<SearchAnswer> {
    const target = new URL(url);
    const domain = this.domains.get(target.hostname.toLowerCase());
    if (!domain) throw new Error(`the sandbox has no search domain at ${target.hostname}`);
    const segments = target.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const [first, second, third, fourth] = segments;
    if (
      method === "POST" &&
      first === "_snapshot" &&
      second &&
      third &&
      fourth === "_restore" &&
      segments.length === 4
    ) {
      return this.restore(domain, second, third, body);
    }
    if (method === "GET" && first === "_cluster" && second === "health" && segments.length <= 3) {
      return await this.health(domain, third, target.searchParams);
    }
    if (method === "GET" && first && second === "_recovery" && segments.length === 2) {
      return this.recovery(domain, first);
    }
    return error(
      400,
      "illegal_argument_exception",
      `no handler found for uri [${target.pathname}] and method [${method}]`,
    );
  }

  private restore(domain: DomainState, repository: string, snapshot: string, body: unknown): SearchAnswer {
    const snapshots = domain.repositories.get(repository);
    if (!snapshots) return error(404, "repository_missing_exception", `[${repository}] missing`);
    const contents = snapshots.get(snapshot);
    if (!contents) return error(404, "snapshot_missing_exception", `[${repository}:${snapshot}] is missing`);
    const requested = requestedIndices(body, [...contents.keys()]);
    for (const index of requested) {
      if (!contents.has(index)) return error(404, "index_not_found_exception", `no such index [${index}]`);
      if (domain.indices.has(index)) {
        return error(
          500,
          "snapshot_restore_exception",
          `[${repository}:${snapshot}] cannot restore index [${index}] because an open index with same name already exists in the cluster. Either close or delete the existing index or restore the index under a different name by providing a rename pattern and replacement name`,
        );
      }
    }
    const startedAt = this.clock.now().getTime();
    for (const index of requested) {
      const seed = contents.get(index) ?? {};
      domain.indices.set(index, {
        primaries: seed.primaries ?? 1,
        replicas: seed.replicas ?? 1,
        docs: seed.docs ?? 0,
        restore: { repository, snapshot, startedAt, primariesFail: domain.failing.delete(index) },
      });
    }
    return { status: 200, body: { accepted: true } };
  }

  /**
   * Cluster health, for the whole cluster or some indices (level=indices adds each index's own). Asked
   * about an index that does not exist, Elasticsearch waits out `timeout` (30 s) and answers 408, red.
   */
  private async health(
    domain: DomainState,
    list: string | undefined,
    query: URLSearchParams,
  ): Promise<SearchAnswer> {
    const names = list === undefined ? [...domain.indices.keys()] : list.split(",");
    const missing = names.filter((name) => !domain.indices.has(name));
    if (missing.length > 0) {
      await this.clock.sleep(durationMs(query.get("timeout")) ?? 30_000);
      return { status: 408, body: { ...summary(domain.name, []), status: "red", timed_out: true } };
    }
    const states = names.map((name) => ({
      name,
      health: this.healthOf(domain.indices.get(name) as IndexState),
    }));
    return {
      status: 200,
      body: {
        ...summary(
          domain.name,
          states.map((state) => ({ ...state.health, index: domain.indices.get(state.name) as IndexState })),
        ),
        ...(query.get("level") === "indices"
          ? {
              indices: Object.fromEntries(
                states.map((state) => {
                  const index = domain.indices.get(state.name) as IndexState;
                  return [
                    state.name,
                    {
                      status: state.health.status,
                      number_of_shards: index.primaries,
                      number_of_replicas: index.replicas,
                      active_primary_shards: this.activePrimaries(index),
                      active_shards: this.activeShards(index),
                      relocating_shards: 0,
                      initializing_shards: state.health.initializingShards,
                      unassigned_shards: state.health.unassignedShards,
                    },
                  ];
                }),
              ),
            }
          : {}),
      },
    };
  }

  private recovery(domain: DomainState, list: string): SearchAnswer {
    const names = list.split(",");
    const missing = names.find((name) => !domain.indices.has(name));
    if (missing !== undefined) return error(404, "index_not_found_exception", `no such index [${missing}]`);
    const now = this.clock.now().getTime();
    return {
      status: 200,
      body: Object.fromEntries(
        names.map((name) => {
          const index = domain.indices.get(name) as IndexState;
          const restore = index.restore;
          const shards: Record<string, unknown>[] = [];
          // A primary that could not be allocated has no recovery; a live one shows how it got its data.
          if (!restore?.primariesFail) {
            const primariesDone = !restore || now >= restore.startedAt + this.timings.primaryRecoveryMs;
            const replicasDone = !restore || now >= this.replicasDoneAt(index);
            for (let id = 0; id < index.primaries; id++) {
              shards.push({
                id,
                type: restore ? "SNAPSHOT" : "EXISTING_STORE",
                stage: primariesDone ? "DONE" : "INDEX",
                primary: true,
                ...(restore
                  ? { source: { repository: restore.repository, snapshot: restore.snapshot, index: name } }
                  : {}),
              });
              if (!primariesDone) continue;
              for (let copy = 0; copy < index.replicas; copy++) {
                shards.push({ id, type: "PEER", stage: replicasDone ? "DONE" : "INDEX", primary: false });
              }
            }
          }
          return [name, { shards }];
        }),
      ),
    };
  }

  private healthOf(index: IndexState): IndexHealthSnapshot {
    const restore = index.restore;
    const total = index.primaries * (1 + index.replicas);
    if (!restore) return { status: "green", initializingShards: 0, unassignedShards: 0 };
    const now = this.clock.now().getTime();
    if (restore.primariesFail && now >= restore.startedAt + this.timings.primaryRecoveryMs) {
      return { status: "red", initializingShards: 0, unassignedShards: total };
    }
    if (now < restore.startedAt + this.timings.primaryRecoveryMs) {
      // Initializing primaries of a restore count yellow; replicas wait unassigned for them.
      return {
        status: "yellow",
        initializingShards: index.primaries,
        unassignedShards: index.primaries * index.replicas,
      };
    }
    if (now < this.replicasDoneAt(index)) {
      return { status: "yellow", initializingShards: index.primaries * index.replicas, unassignedShards: 0 };
    }
    return { status: "green", initializingShards: 0, unassignedShards: 0 };
  }

  private activePrimaries(index: IndexState): number {
    const restore = index.restore;
    if (!restore) return index.primaries;
    const recovered = this.clock.now().getTime() >= restore.startedAt + this.timings.primaryRecoveryMs;
    return recovered && !restore.primariesFail ? index.primaries : 0;
  }

  private activeShards(index: IndexState): number {
    const health = this.healthOf(index);
    return index.primaries * (1 + index.replicas) - health.initializingShards - health.unassignedShards;
  }

  private replicasDoneAt(index: IndexState): number {
    const restore = index.restore;
    if (!restore) return Number.NEGATIVE_INFINITY;
    const primariesAt = restore.startedAt + this.timings.primaryRecoveryMs;
    return index.replicas > 0 ? primariesAt + this.timings.replicaRecoveryMs : primariesAt;
  }

  private requireDomain(endpoint: string): DomainState {
    const host = endpoint.includes("://") ? new URL(endpoint).hostname : endpoint;
    const domain = this.domains.get(host.toLowerCase());
    if (!domain) throw new Error(`the sandbox has no search domain at ${endpoint}`);
    return domain;
  }
}

/** The restore body's `indices`: a comma-separated string or a list; all of the snapshot's without one. */
function requestedIndices(body: unknown, all: readonly string[]): string[] {
  const indices = (body as { indices?: unknown } | undefined)?.indices;
  const list =
    typeof indices === "string"
      ? indices.split(",")
      : Array.isArray(indices)
        ? indices.map(String)
        : [...all];
  return list.map((index) => index.trim()).filter((index) => index !== "");
}

function summary(
  clusterName: string,
  indices: Array<IndexHealthSnapshot & { index: IndexState }>,
): Record<string, unknown> {
  const worst = indices.some((entry) => entry.status === "red")
    ? "red"
    : indices.some((entry) => entry.status === "yellow")
      ? "yellow"
      : "green";
  const total = indices.reduce((sum, entry) => sum + entry.index.primaries * (1 + entry.index.replicas), 0);
  const initializing = indices.reduce((sum, entry) => sum + entry.initializingShards, 0);
  const unassigned = indices.reduce((sum, entry) => sum + entry.unassignedShards, 0);
  return {
    cluster_name: clusterName,
    status: worst,
    timed_out: false,
    number_of_nodes: NODES,
    number_of_data_nodes: NODES,
    active_shards: total - initializing - unassigned,
    relocating_shards: 0,
    initializing_shards: initializing,
    unassigned_shards: unassigned,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: 0,
    active_shards_percent_as_number: total === 0 ? 100 : (100 * (total - initializing - unassigned)) / total,
  };
}

/** Elasticsearch's error answer. */
function error(status: number, type: string, reason: string): SearchAnswer {
  return { status, body: { error: { root_cause: [{ type, reason }], type, reason }, status } };
}

/** An Elasticsearch time value such as "30s", "500ms" or "1m". */
function durationMs(value: string | null): number | undefined {
  const match = value === null ? null : /^(\d+)(ms|s|m)$/.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]);
  return match[2] === "ms" ? amount : match[2] === "s" ? amount * 1_000 : amount * 60_000;
}

function idFrom(text: string): string {
  let id = "";
  for (let round = 0; id.length < 26; round++) {
    let hash = 0x811c9dc5;
    for (const char of `${round}:${text}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
    id += (hash >>> 0).toString(36);
  }
  return id.slice(0, 26);
}
