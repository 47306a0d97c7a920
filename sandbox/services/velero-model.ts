import type { Clock } from "../../core/clock.js";

export interface VeleroTimings {
  /** A new Restore until Velero's restore controller has validated it (phase New, then InProgress or FailedValidation). */
  validationMs: number;
  /** A validated Restore until it is Completed: the namespace's objects and volumes restored. */
  restoreMs: number;
}

/**
 * No published figures: Velero's controller picks a new Restore up within seconds, and a namespace's
 * restore takes as long as its objects and volume snapshots do; a few seconds and two minutes are assumed.
 */
export const DEFAULT_VELERO_TIMINGS: VeleroTimings = { validationMs: 2_000, restoreMs: 120_000 };

export interface BackupSeed {
  name: string;
  /** The schedule that made it: Velero labels such backups velero.io/schedule-name. */
  schedule?: string;
  /** Completed (default), PartiallyFailed or Failed. */
  phase?: "Completed" | "PartiallyFailed" | "Failed";
  completedAt?: Date;
  /** The namespaces the backup holds, with how many items (Kubernetes objects) each. */
  namespaces: Record<string, number>;
}

/** A Restore as the sandbox can tell it, for tests. */
export interface RestoreSnapshot {
  name: string;
  backupName: string | undefined;
  includedNamespaces: string[];
  phase: string;
  itemsRestored: number;
}

/** A Kubernetes API answer: the status code and the JSON body. */
export interface KubernetesAnswer {
  status: number;
  body: unknown;
}

interface RestoreState {
  name: string;
  namespace: string;
  uid: string;
  createdAt: number;
  object: Record<string, unknown>;
  backupName: string | undefined;
  includedNamespaces: string[];
  /** Decided when the Restore is created: the outcome it reaches after the modelled time. */
  outcome: { phase: "Completed" | "PartiallyFailed" | "Failed" | "FailedValidation"; reason?: string };
  totalItems: number;
}

interface ClusterState {
  backups: Map<string, BackupSeed & { createdAt: number }>;
  restores: Map<string, RestoreState>;
  failNext?: { phase: "PartiallyFailed" | "Failed"; reason: string };
}

const GROUP_PATH = /^\/apis\/velero\.io\/v1\/namespaces\/([a-z0-9-]+)\/(backups|restores)(?:\/([^/?]+))?$/;
const RESTORABLE = new Set(["Completed", "PartiallyFailed"]);

/**
 * Velero inside each EKS cluster, as its Kubernetes API shows it (velero.io/v1 Backup and Restore custom
 * resources; Velero documentation, "Restore Reference" and the Restore API type,
 * https://velero.io/docs/main/restore-reference/ and https://velero.io/docs/main/api-types/restore/):
 * GET and list (labelSelector velero.io/schedule-name=...) of Backups; create and GET of Restores. A
 * Restore is New until the controller validates it; one whose backup does not exist (or is not
 * Completed or PartiallyFailed) ends FailedValidation with Velero's validation error; a valid one is
 * InProgress, then Completed, with status.progress counting the items of its included namespaces.
 * Velero only processes objects in its own namespace ("velero"), as installed by default. Not an AWS API,
 * so not in the estate: SandboxKubernetesJson (sandbox/seed-custom-steps.ts) reaches it, region-down
 * applied, as the seed Lambdas' production transport reaches a cluster's API server.
 */
export class VeleroModel {
  private readonly clusters = new Map<string, ClusterState>();
  private readonly timings: VeleroTimings;
  private created = 0;

  constructor(
    private readonly clock: Clock,
    timings: Partial<VeleroTimings> = {},
    private readonly veleroNamespace = "velero",
  ) {
    this.timings = { ...DEFAULT_VELERO_TIMINGS, ...timings };
  }

  /** Sandbox setup: Velero runs in this cluster (with no backups yet). */
  addCluster(region: string, clusterName: string): void {
    if (!this.clusters.has(key(region, clusterName))) {
      this.clusters.set(key(region, clusterName), { backups: new Map(), restores: new Map() });
    }
  }

  hasCluster(region: string, clusterName: string): boolean {
    return this.clusters.has(key(region, clusterName));
  }

  /** Sandbox setup: a backup Velero can restore from in this cluster (its storage location is shared). */
  addBackup(region: string, clusterName: string, backup: BackupSeed): void {
    this.addCluster(region, clusterName);
    const createdAt = (backup.completedAt ?? this.clock.now()).getTime();
    this.cluster(region, clusterName).backups.set(backup.name, { ...backup, createdAt });
  }

  /** Sandbox control: the next Restore created in this cluster ends in this phase, with this reason. */
  failNextRestore(
    region: string,
    clusterName: string,
    phase: "PartiallyFailed" | "Failed",
    reason: string,
  ): void {
    this.addCluster(region, clusterName);
    this.cluster(region, clusterName).failNext = { phase, reason };
  }

  /** Sandbox inspection: the cluster's Restores, as they stand now. */
  restores(region: string, clusterName: string): RestoreSnapshot[] {
    const cluster = this.clusters.get(key(region, clusterName));
    return [...(cluster?.restores.values() ?? [])].map((restore) => {
      const status = this.statusOf(restore);
      return {
        name: restore.name,
        backupName: restore.backupName,
        includedNamespaces: restore.includedNamespaces,
        phase: String(status.phase),
        itemsRestored: Number(
          (status.progress as { itemsRestored?: number } | undefined)?.itemsRestored ?? 0,
        ),
      };
    });
  }

  /** One request to the cluster's API server, for the velero.io/v1 paths above. */
  request(
    region: string,
    clusterName: string,
    method: string,
    path: string,
    body?: unknown,
  ): KubernetesAnswer {
    const cluster = this.clusters.get(key(region, clusterName));
    const [pathname = "", query = ""] = path.split("?");
    const match = GROUP_PATH.exec(pathname);
    if (!cluster || !match) {
      return notFound("the server could not find the requested resource", undefined, undefined);
    }
    const [, namespace = "", resource = "", name] = match;
    if (resource === "backups" && method === "GET") {
      return name === undefined
        ? this.listBackups(cluster, namespace, new URLSearchParams(query))
        : this.getBackup(cluster, namespace, decodeURIComponent(name));
    }
    if (resource === "restores" && method === "GET" && name !== undefined) {
      const restore =
        namespace === this.veleroNamespace ? cluster.restores.get(decodeURIComponent(name)) : undefined;
      return restore
        ? { status: 200, body: { ...restore.object, status: this.statusOf(restore) } }
        : notFound(`restores.velero.io "${name}" not found`, "restores", name);
    }
    if (resource === "restores" && method === "POST" && name === undefined) {
      return this.createRestore(cluster, namespace, body);
    }
    return {
      status: 405,
      body: status(
        405,
        "MethodNotAllowed",
        `the server does not allow this method on the requested resource`,
      ),
    };
  }

  private listBackups(cluster: ClusterState, namespace: string, query: URLSearchParams): KubernetesAnswer {
    const selector = query.get("labelSelector");
    const schedule = selector?.startsWith("velero.io/schedule-name=")
      ? selector.slice("velero.io/schedule-name=".length)
      : undefined;
    if (selector && schedule === undefined) {
      throw new Error(`the sandbox models Backup lists by velero.io/schedule-name only, not "${selector}"`);
    }
    const items =
      namespace === this.veleroNamespace
        ? [...cluster.backups.values()]
            .filter((backup) => schedule === undefined || backup.schedule === schedule)
            .map((backup) => this.backupObject(backup))
        : [];
    return { status: 200, body: { apiVersion: "velero.io/v1", kind: "BackupList", metadata: {}, items } };
  }

  private getBackup(cluster: ClusterState, namespace: string, name: string): KubernetesAnswer {
    const backup = namespace === this.veleroNamespace ? cluster.backups.get(name) : undefined;
    return backup
      ? { status: 200, body: this.backupObject(backup) }
      : notFound(`backups.velero.io "${name}" not found`, "backups", name);
  }

  private createRestore(cluster: ClusterState, namespace: string, body: unknown): KubernetesAnswer {
    const object = (body ?? {}) as {
      apiVersion?: string;
      kind?: string;
      metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
      spec?: { backupName?: string; scheduleName?: string; includedNamespaces?: string[] };
    };
    const name = object.metadata?.name;
    if (object.apiVersion !== "velero.io/v1" || object.kind !== "Restore" || !name) {
      return {
        status: 422,
        body: status(
          422,
          "Invalid",
          "a Restore needs apiVersion velero.io/v1, kind Restore and metadata.name",
        ),
      };
    }
    if (cluster.restores.has(name) && namespace === this.veleroNamespace) {
      return {
        status: 409,
        body: status(409, "AlreadyExists", `restores.velero.io "${name}" already exists`, "restores", name),
      };
    }
    const now = this.clock.now().getTime();
    this.created += 1;
    const uid = uidFrom(`${name}/${this.created}`);
    const stored = {
      apiVersion: "velero.io/v1",
      kind: "Restore",
      metadata: {
        ...object.metadata,
        namespace,
        uid,
        resourceVersion: String(1000 + this.created),
        creationTimestamp: seconds(now),
      },
      spec: object.spec ?? {},
    };
    if (namespace !== this.veleroNamespace) return { status: 201, body: stored };
    const backupName = object.spec?.backupName;
    const includedNamespaces = object.spec?.includedNamespaces ?? ["*"];
    const backup = backupName === undefined ? undefined : cluster.backups.get(backupName);
    const restore: RestoreState = {
      name,
      namespace,
      uid,
      createdAt: now,
      object: stored,
      backupName,
      includedNamespaces,
      outcome: this.outcomeFor(cluster, object.spec ?? {}, backup),
      totalItems: backup ? itemsOf(backup, includedNamespaces) : 0,
    };
    cluster.restores.set(name, restore);
    return { status: 201, body: stored };
  }

  /** Velero's validation, in its words, then any failure the sandbox was told to inject. */
  private outcomeFor(
    cluster: ClusterState,
    spec: { backupName?: string; scheduleName?: string },
    backup: BackupSeed | undefined,
  ): RestoreState["outcome"] {
    if ((spec.backupName === undefined) === (spec.scheduleName === undefined)) {
      return {
        phase: "FailedValidation",
        reason: "Either a backup or schedule must be specified as a source for the restore, but not both",
      };
    }
    if (spec.scheduleName !== undefined) {
      throw new Error("the sandbox models Restores from a backupName, not a scheduleName");
    }
    if (!backup) {
      return {
        phase: "FailedValidation",
        reason: `Error retrieving backup: backup.velero.io "${spec.backupName}" not found`,
      };
    }
    if (!RESTORABLE.has(backup.phase ?? "Completed")) {
      return {
        phase: "FailedValidation",
        reason: `backup ${backup.name} is in phase ${backup.phase}: only Completed and PartiallyFailed backups can be restored`,
      };
    }
    const injected = cluster.failNext;
    delete cluster.failNext;
    return injected ? { phase: injected.phase, reason: injected.reason } : { phase: "Completed" };
  }

  private statusOf(restore: RestoreState): Record<string, unknown> {
    const now = this.clock.now().getTime();
    const validatedAt = restore.createdAt + this.timings.validationMs;
    const doneAt = validatedAt + this.timings.restoreMs;
    if (now < validatedAt) return { phase: "New" };
    if (restore.outcome.phase === "FailedValidation") {
      return { phase: "FailedValidation", validationErrors: [restore.outcome.reason ?? ""] };
    }
    const startTimestamp = seconds(validatedAt);
    if (now < doneAt) {
      const done = Math.floor((restore.totalItems * (now - validatedAt)) / this.timings.restoreMs);
      return {
        phase: "InProgress",
        startTimestamp,
        progress: { totalItems: restore.totalItems, itemsRestored: done },
      };
    }
    const failed = restore.outcome.phase !== "Completed";
    const itemsRestored =
      restore.outcome.phase === "Failed"
        ? 0
        : restore.outcome.phase === "PartiallyFailed"
          ? Math.floor(restore.totalItems / 2)
          : restore.totalItems;
    return {
      phase: restore.outcome.phase,
      startTimestamp,
      completionTimestamp: seconds(doneAt),
      progress: { totalItems: restore.totalItems, itemsRestored },
      warnings: 0,
      errors: failed ? 1 : 0,
      ...(restore.outcome.phase === "Failed" ? { failureReason: restore.outcome.reason } : {}),
    };
  }

  private backupObject(backup: BackupSeed & { createdAt: number }): Record<string, unknown> {
    const items = Object.values(backup.namespaces).reduce((sum, count) => sum + count, 0);
    return {
      apiVersion: "velero.io/v1",
      kind: "Backup",
      metadata: {
        name: backup.name,
        namespace: this.veleroNamespace,
        creationTimestamp: seconds(backup.createdAt - 600_000),
        labels: backup.schedule ? { "velero.io/schedule-name": backup.schedule } : {},
      },
      spec: { includedNamespaces: Object.keys(backup.namespaces), storageLocation: "default" },
      status: {
        phase: backup.phase ?? "Completed",
        completionTimestamp: seconds(backup.createdAt),
        progress: { totalItems: items, itemsBackedUp: items },
      },
    };
  }

  private cluster(region: string, clusterName: string): ClusterState {
    const cluster = this.clusters.get(key(region, clusterName));
    if (!cluster) throw new Error(`the sandbox has no Velero in ${region}/${clusterName}`);
    return cluster;
  }
}

function itemsOf(backup: BackupSeed, included: readonly string[]): number {
  return Object.entries(backup.namespaces)
    .filter(([namespace]) => included.includes("*") || included.includes(namespace))
    .reduce((sum, [, count]) => sum + count, 0);
}

/** A Kubernetes Status object, as the API server answers errors. */
function status(
  code: number,
  reason: string,
  message: string,
  kind?: string,
  name?: string,
): Record<string, unknown> {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(kind ? { details: { name, group: "velero.io", kind } } : {}),
    code,
  };
}

function notFound(message: string, kind: string | undefined, name: string | undefined): KubernetesAnswer {
  return { status: 404, body: status(404, "NotFound", message, kind, name) };
}

/** Kubernetes stamps objects to the second. */
function seconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function uidFrom(text: string): string {
  let hex = "";
  for (let round = 0; hex.length < 32; round++) {
    let hash = 0x811c9dc5;
    for (const char of `${round}:${text}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
    hex += (hash >>> 0).toString(16).padStart(8, "0");
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function key(region: string, clusterName: string): string {
  return `${region}/${clusterName}`;
}
