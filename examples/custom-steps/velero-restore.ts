import { z } from "zod";
import type { CustomStepAnswer } from "../../core/blocks/custom-step-contract.js";
import { eksKubernetesJson } from "./aws-transports.js";
import { CustomStepApiError, CustomStepInputError, parseStepEvent, stableSuffix } from "./step-event.js";

/** One request to a cluster's Kubernetes API: JSON in and out; a transport failure throws. */
export interface KubernetesJson {
  request(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

export interface VeleroRestoreDeps {
  /** The Kubernetes API of one region's EKS cluster. */
  kubernetes(region: string, clusterName: string): KubernetesJson;
}

const kubernetesName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { message: "must be a Kubernetes namespace name" });

const inputSchema = z
  .object({
    /** The namespace to restore (the runbook restores one service's namespace at a time). */
    namespace: kubernetesName,
    /** The backup to restore from... */
    backupName: z.string().min(1).optional(),
    /** ...or the schedule whose latest completed backup is restored. */
    scheduleName: z.string().min(1).optional(),
    /** The EKS cluster to restore into: one name for every region, or one per region. */
    clusterName: z.string().min(1).optional(),
    clusters: z.record(z.string(), z.string().min(1)).optional(),
    /** Where Velero runs and keeps its Backup and Restore objects. */
    veleroNamespace: kubernetesName.default("velero"),
    pollAfterSeconds: z.number().int().min(1).max(300).default(15),
  })
  .refine((input) => (input.backupName === undefined) !== (input.scheduleName === undefined), {
    message: "give backupName or scheduleName, not both",
    path: ["backupName"],
  })
  .refine((input) => input.clusterName !== undefined || input.clusters !== undefined, {
    message: "give clusterName, or clusters with one cluster name per region",
    path: ["clusterName"],
  });

/** Velero's terminal phases that leave the namespace not (fully) restored. */
const FAILED_PHASES = new Set(["Failed", "PartiallyFailed", "FailedValidation"]);

interface VeleroObject {
  metadata?: { name?: string; creationTimestamp?: string };
  status?: {
    phase?: string;
    completionTimestamp?: string;
    progress?: { itemsRestored?: number; totalItems?: number };
    warnings?: number;
    errors?: number;
    failureReason?: string;
    validationErrors?: string[];
  };
}

/**
 * The seed runbook's "restore from a Velero backup" step (velero restore create --from-backup), as a
 * kirikae custom step. Each call:
 * 1. reads the step's Restore (velero.io/v1, in Velero's namespace, named after the execution and step,
 *    so a repeated call finds the one it created instead of starting a second restore);
 * 2. when there is none yet, resolves the backup (input.backupName, or the newest Completed backup of
 *    input.scheduleName, by the velero.io/schedule-name label Velero puts on a schedule's backups),
 *    creates the Restore of input.namespace in the target region's cluster and answers pending;
 * 3. otherwise answers from status.phase: Completed is {restored: true, phase, namespace, itemsRestored};
 *    Failed, PartiallyFailed and FailedValidation are {restored: false, phase, ...} with Velero's
 *    reasons; any other phase is pending.
 * Invariant: at most one Restore per execution and step, and only in the region being activated.
 */
export function createVeleroRestoreHandler(deps: VeleroRestoreDeps) {
  return async (raw: unknown): Promise<CustomStepAnswer> => {
    const { event, input } = parseStepEvent(raw, inputSchema);
    const clusterName = input.clusters?.[event.targetRegion] ?? input.clusterName;
    if (clusterName === undefined) {
      throw new CustomStepInputError(`input.clusters names no cluster for ${event.targetRegion}`);
    }
    const api = deps.kubernetes(event.targetRegion, clusterName);
    // A Kubernetes name, and short enough for the velero.io/restore-name label Velero puts on what it restores.
    const stepPart = event.step
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
      .slice(0, 40);
    const restoreName = `kirikae-${stepPart}-${stableSuffix(event.plan, event.executionId, event.direction, event.step)}`;
    const restores = `/apis/velero.io/v1/namespaces/${input.veleroNamespace}/restores`;
    const where = { region: event.targetRegion, clusterName, namespace: input.namespace, restoreName };

    const existing = await api.request("GET", `${restores}/${restoreName}`);
    if (existing.status === 404) {
      const backupName =
        input.backupName ?? (await latestBackup(api, input.veleroNamespace, input.scheduleName ?? ""));
      if (backupName === undefined) {
        return {
          restored: false,
          phase: "NoBackup",
          namespace: input.namespace,
          reason: `schedule ${input.scheduleName} has no Completed backup in ${clusterName} (${event.targetRegion})`,
        };
      }
      const created = await api.request("POST", restores, {
        apiVersion: "velero.io/v1",
        kind: "Restore",
        metadata: {
          name: restoreName,
          namespace: input.veleroNamespace,
          labels: { "app.kubernetes.io/managed-by": "kirikae", "kirikae/plan": event.plan },
        },
        spec: { backupName, includedNamespaces: [input.namespace], restorePVs: true },
      });
      // 409: a call before this one created it and its answer was lost; the Restore is ours all the same.
      if (created.status !== 201 && created.status !== 200 && created.status !== 409) {
        throw apiError(created, "create the Restore", where);
      }
      return {
        status: "pending",
        pollAfterSeconds: input.pollAfterSeconds,
        phase: "New",
        restoreName,
        backupName,
        clusterName,
        namespace: input.namespace,
      };
    }
    if (existing.status !== 200) throw apiError(existing, "read the Restore", where);

    const restore = existing.body as VeleroObject;
    const phase = restore.status?.phase || "New";
    const itemsRestored = restore.status?.progress?.itemsRestored ?? 0;
    if (phase === "Completed") {
      return { restored: true, phase, namespace: input.namespace, itemsRestored, restoreName };
    }
    if (FAILED_PHASES.has(phase)) {
      return {
        restored: false,
        phase,
        namespace: input.namespace,
        itemsRestored,
        restoreName,
        errors: restore.status?.errors ?? 0,
        warnings: restore.status?.warnings ?? 0,
        ...(restore.status?.failureReason ? { failureReason: restore.status.failureReason } : {}),
        ...(restore.status?.validationErrors ? { validationErrors: restore.status.validationErrors } : {}),
      };
    }
    return {
      status: "pending",
      pollAfterSeconds: input.pollAfterSeconds,
      phase,
      restoreName,
      clusterName,
      namespace: input.namespace,
      itemsRestored,
      totalItems: restore.status?.progress?.totalItems ?? 0,
    };
  };
}

/** The newest Completed backup a schedule made, by completion time. */
async function latestBackup(
  api: KubernetesJson,
  veleroNamespace: string,
  schedule: string,
): Promise<string | undefined> {
  const selector = encodeURIComponent(`velero.io/schedule-name=${schedule}`);
  const listed = await api.request(
    "GET",
    `/apis/velero.io/v1/namespaces/${veleroNamespace}/backups?labelSelector=${selector}`,
  );
  if (listed.status !== 200) throw apiError(listed, `list the backups of schedule ${schedule}`, { schedule });
  const items = ((listed.body as { items?: VeleroObject[] }).items ?? [])
    .filter((backup) => backup.status?.phase === "Completed" && backup.metadata?.name)
    .sort((a, b) => timeOf(b) - timeOf(a));
  return items[0]?.metadata?.name;
}

function timeOf(backup: VeleroObject): number {
  return Date.parse(backup.status?.completionTimestamp ?? backup.metadata?.creationTimestamp ?? "") || 0;
}

function apiError(
  response: { status: number; body: unknown },
  what: string,
  where: Record<string, string>,
): CustomStepApiError {
  const message = (response.body as { message?: string } | undefined)?.message ?? "";
  const denied = response.status === 401 || response.status === 403;
  return new CustomStepApiError(
    `could not ${what}: the Kubernetes API answered ${response.status}${message ? ` (${message})` : ""}`,
    {
      resource: Object.values(where).join("/"),
      action: denied
        ? "map the function's role to a Kubernetes group through an EKS access entry, and let that group get, list and create velero.io restores and backups in Velero's namespace (README, examples/custom-steps)"
        : "check that Velero is installed in the cluster and its CRDs are at velero.io/v1",
    },
  );
}

let production: ReturnType<typeof createVeleroRestoreHandler> | undefined;

/** The Lambda entry point: clients are built on the first invocation, and kept for the next ones. */
export const handler = (event: unknown): Promise<CustomStepAnswer> => {
  production ??= createVeleroRestoreHandler({ kubernetes: eksKubernetesJson() });
  return production(event);
};
