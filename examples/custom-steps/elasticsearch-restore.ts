import { z } from "zod";
import type { CustomStepAnswer } from "../../core/blocks/custom-step-contract.js";
import { signedSearchHttp } from "./aws-transports.js";
import { CustomStepApiError, CustomStepInputError, parseStepEvent } from "./step-event.js";

/** One request to a search domain's REST API: JSON in and out; a transport failure throws. */
export interface SearchHttp {
  request(method: "GET" | "POST", url: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

export interface ElasticsearchRestoreDeps {
  http: SearchHttp;
}

const inputSchema = z
  .object({
    /** The domain's endpoint (https://...) in each region, or one for all. */
    endpoints: z.record(z.string(), z.url()).optional(),
    endpoint: z.url().optional(),
    /** The snapshot repository, registered on the target domain, and the snapshot in it. */
    repository: z.string().min(1),
    snapshot: z.string().min(1),
    /** The indices to restore, by name. */
    indices: z.array(z.string().regex(/^[^A-Z\\/*?"<>|,# ]+$/, { message: "must be an index name" })).min(1),
    pollAfterSeconds: z.number().int().min(1).max(300).default(15),
  })
  .refine((input) => input.endpoints !== undefined || input.endpoint !== undefined, {
    message: "give endpoint, or endpoints with one domain endpoint per region",
    path: ["endpoint"],
  });

type Health = "green" | "yellow" | "red";

interface IndexHealth {
  status?: Health;
  initializing_shards?: number;
  unassigned_shards?: number;
}

interface RecoveryShard {
  type?: string;
  stage?: string;
  primary?: boolean;
  source?: { repository?: string; snapshot?: string };
}

/**
 * The seed runbook's "restore the Elasticsearch snapshot" step (POST _snapshot/<repo>/<snapshot>/_restore,
 * then watch the indices), as a kirikae custom step against the target region's domain. Each call:
 * 1. reads the indices' recoveries (`_recovery`): when an earlier call says it started the restore, or
 *    every index is already being recovered from this snapshot (an earlier call whose answer was lost),
 *    the restore is not started again;
 * 2. otherwise POSTs the restore of input.indices (without the cluster's global state) and answers
 *    pending, or {restored: false, reason} when the domain refuses it (no such repository or snapshot, an
 *    open index of the same name);
 * 3. then reads `_cluster/health/<indices>?level=indices`: all green is {restored: true, health: "green",
 *    indices}; an index red with nothing initializing (its primaries could not be restored) is
 *    {restored: false, health: "red", ...}; anything else is pending, with the shards recovered so far.
 * Restored indices are yellow while their primaries recover from the snapshot and their replicas copy
 * (Elasticsearch counts a restore's initializing primaries as yellow, not red), green once all are active.
 * Invariant: the domain restores each index once per step, and only in the region being activated.
 */
export function createElasticsearchRestoreHandler(deps: ElasticsearchRestoreDeps) {
  return async (raw: unknown): Promise<CustomStepAnswer> => {
    const { event, input } = parseStepEvent(raw, inputSchema);
    const endpoint = (input.endpoints?.[event.targetRegion] ?? input.endpoint)?.replace(/\/$/, "");
    if (endpoint === undefined) {
      throw new CustomStepInputError(`input.endpoints names no domain for ${event.targetRegion}`);
    }
    const indices = input.indices;
    const list = indices.map(encodeURIComponent).join(",");
    const base = { indices, snapshot: input.snapshot };

    const recovery = await deps.http.request("GET", `${endpoint}/${list}/_recovery`);
    const started =
      event.previous?.restoreStarted === true ||
      startedFromSnapshot(recovery, indices, input.repository, input.snapshot);
    if (!started) {
      const restore = await deps.http.request(
        "POST",
        `${endpoint}/_snapshot/${encodeURIComponent(input.repository)}/${encodeURIComponent(input.snapshot)}/_restore`,
        { indices: indices.join(","), include_global_state: false },
      );
      if (restore.status === 401 || restore.status === 403)
        throw apiError(restore, "restore the snapshot", endpoint);
      if (restore.status !== 200) {
        return { restored: false, ...base, reason: reasonOf(restore), statusCode: restore.status };
      }
      return {
        status: "pending",
        pollAfterSeconds: input.pollAfterSeconds,
        ...base,
        restoreStarted: true,
        health: "yellow",
      };
    }

    const health = await deps.http.request("GET", `${endpoint}/_cluster/health/${list}?level=indices`);
    if (health.status === 401 || health.status === 403)
      throw apiError(health, "read the indices' health", endpoint);
    const byIndex = (health.body as { indices?: Record<string, IndexHealth> }).indices ?? {};
    const states = indices.map((index) => ({ index, ...(byIndex[index] ?? { status: "red" as const }) }));
    if (states.every((state) => state.status === "green")) {
      return { restored: true, health: "green", ...base };
    }
    const failed = states.filter(
      (state) =>
        state.status === "red" &&
        (state.initializing_shards ?? 0) === 0 &&
        (state.unassigned_shards ?? 0) > 0,
    );
    if (failed.length > 0) {
      return {
        restored: false,
        health: "red",
        ...base,
        reason: `primary shards of ${failed.map((state) => state.index).join(", ")} are unassigned and no recovery is running`,
      };
    }
    const overall: Health = states.some((state) => state.status === "red") ? "red" : "yellow";
    return {
      status: "pending",
      pollAfterSeconds: input.pollAfterSeconds,
      ...base,
      restoreStarted: true,
      health: overall,
      shardsRecovered: recoveredShards(recovery),
    };
  };
}

/** Whether every index is (being) recovered from this snapshot: type SNAPSHOT, source repository:snapshot. */
function startedFromSnapshot(
  recovery: { status: number; body: unknown },
  indices: readonly string[],
  repository: string,
  snapshot: string,
): boolean {
  if (recovery.status !== 200) return false;
  const byIndex = recovery.body as Record<string, { shards?: RecoveryShard[] }>;
  return indices.every((index) =>
    (byIndex[index]?.shards ?? []).some(
      (shard) =>
        shard.type === "SNAPSHOT" &&
        shard.source?.repository === repository &&
        shard.source?.snapshot === snapshot,
    ),
  );
}

/** "done/total" over the recoveries read at the start of this call. */
function recoveredShards(recovery: { status: number; body: unknown }): string {
  if (recovery.status !== 200) return "0/0";
  const shards = Object.values(recovery.body as Record<string, { shards?: RecoveryShard[] }>).flatMap(
    (entry) => entry.shards ?? [],
  );
  return `${shards.filter((shard) => shard.stage === "DONE").length}/${shards.length}`;
}

/** Elasticsearch's error answer: {"error": {"type", "reason", ...}, "status"}. */
function reasonOf(response: { status: number; body: unknown }): string {
  const error = (response.body as { error?: { type?: string; reason?: string } | string } | undefined)?.error;
  if (typeof error === "string") return error;
  if (error?.type || error?.reason) return `${error.type ?? "error"}: ${error.reason ?? ""}`.trim();
  return `the domain answered ${response.status}`;
}

function apiError(
  response: { status: number; body: unknown },
  what: string,
  endpoint: string,
): CustomStepApiError {
  return new CustomStepApiError(
    `could not ${what}: the domain answered ${response.status} (${reasonOf(response)})`,
    {
      resource: endpoint,
      action:
        "allow the function's role es:ESHttpGet and es:ESHttpPost on the domain in its access policy (with fine-grained access control, map the role to a role that may restore snapshots) (README, examples/custom-steps)",
    },
  );
}

let production: ReturnType<typeof createElasticsearchRestoreHandler> | undefined;

/** The Lambda entry point: the signer is built on the first invocation, and kept for the next ones. */
export const handler = (event: unknown): Promise<CustomStepAnswer> => {
  production ??= createElasticsearchRestoreHandler({ http: signedSearchHttp() });
  return production(event);
};
