import type { BlockOf } from "../core/blocks/block-schemas.js";
import type { Plan } from "../core/plan/schema.js";
import type { BlockSandbox } from "../steps/step-kind.js";
import { registerSeedCustomSteps } from "./seed-custom-steps.js";

/**
 * A lambda block in the sandbox. The seed runbooks' restores (examples/custom-steps) run as themselves,
 * for functions named `...velero-restore` or `...elasticsearch-restore`, against the sandbox's Velero and
 * search domains, seeded with what the block's input says exists (the backup, the snapshot), in both
 * regions, as a replicated backup bucket or snapshot repository would have it. Any other function's code
 * is the estate's, which the sandbox does not have: it stands in with an answer of the block's expected
 * result, and says so, so that what the drill proves is the workflow around the step, not the step.
 */
export function seedLambdaBlock(block: BlockOf<"lambda">, plan: Plan, sandbox: BlockSandbox): void {
  const { models, estate } = sandbox;
  const arns = typeof block.functionArn === "string" ? [block.functionArn] : Object.values(block.functionArn);
  for (const arn of arns) {
    const name = arn.split(":")[6] ?? "";
    if (name.endsWith("velero-restore")) {
      seedVelero(block, plan, sandbox);
      registerSeedCustomSteps(models.lambda, estate, models, { veleroRestore: [arn] });
    } else if (name.endsWith("elasticsearch-restore")) {
      seedSearch(block, plan, sandbox);
      registerSeedCustomSteps(models.lambda, estate, models, { elasticsearchRestore: [arn] });
    } else {
      models.lambda.register(arn, async () => ({ ...(block.expectedResult ?? {}), standIn: true }));
    }
  }
}

function seedVelero(block: BlockOf<"lambda">, plan: Plan, { models }: BlockSandbox): void {
  const input = block.input as {
    namespace?: string;
    backupName?: string;
    scheduleName?: string;
    clusterName?: string;
    clusters?: Record<string, string>;
  };
  const namespace = input.namespace ?? "default";
  for (const region of plan.regions) {
    const cluster = input.clusters?.[region] ?? input.clusterName;
    if (cluster === undefined) continue;
    if (!models.velero.hasCluster(region, cluster)) models.velero.addCluster(region, cluster);
    models.velero.addBackup(region, cluster, {
      name: input.backupName ?? `${input.scheduleName ?? "daily"}-latest`,
      ...(input.scheduleName ? { schedule: input.scheduleName } : {}),
      namespaces: { [namespace]: 42 },
    });
  }
}

function seedSearch(block: BlockOf<"lambda">, plan: Plan, { models }: BlockSandbox): void {
  const input = block.input as {
    endpoint?: string;
    endpoints?: Record<string, string>;
    repository?: string;
    snapshot?: string;
    indices?: string[];
  };
  for (const region of plan.regions) {
    const endpoint = input.endpoints?.[region] ?? input.endpoint;
    if (endpoint === undefined) continue;
    const host = new URL(endpoint).hostname;
    models.elasticsearch.addDomain(region, host.split(".")[0] ?? host, { endpoint });
    models.elasticsearch.addSnapshot(
      endpoint,
      input.repository ?? "snapshots",
      input.snapshot ?? "latest",
      Object.fromEntries((input.indices ?? []).map((index) => [index, { primaries: 1, replicas: 1 }])),
    );
  }
}
