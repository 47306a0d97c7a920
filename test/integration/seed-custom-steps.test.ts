import { describe, expect, it } from "vitest";
import { LambdaInvoker } from "../../adapters/aws/lambda-invoker.js";
import type { ClientProvider } from "../../adapters/aws/region-clients.js";
import type { CustomStepEvent } from "../../core/blocks/custom-step-contract.js";
import { registerSeedCustomSteps } from "../../sandbox/seed-custom-steps.js";
import {
  DEFAULT_ELASTICSEARCH_TIMINGS,
  ElasticsearchModel,
} from "../../sandbox/services/elasticsearch-model.js";
import { LambdaModel } from "../../sandbox/services/lambda-model.js";
import { DEFAULT_VELERO_TIMINGS, VeleroModel } from "../../sandbox/services/velero-model.js";
import { ACCOUNT, estateWith, SINGAPORE, TOKYO } from "../support/sandbox-fixtures.js";

const VELERO = `arn:aws:lambda:${SINGAPORE}:${ACCOUNT}:function:velero-restore`;
const SEARCH = `arn:aws:lambda:${SINGAPORE}:${ACCOUNT}:function:elasticsearch-restore`;
const CLUSTER = "shop-singapore";
const VELERO_DONE_MS = DEFAULT_VELERO_TIMINGS.validationMs + DEFAULT_VELERO_TIMINGS.restoreMs;
const PRIMARIES_MS = DEFAULT_ELASTICSEARCH_TIMINGS.primaryRecoveryMs;
const GREEN_MS = PRIMARIES_MS + DEFAULT_ELASTICSEARCH_TIMINGS.replicaRecoveryMs;

function estate() {
  let lambda: LambdaModel | undefined;
  const built = estateWith((sandbox) => {
    lambda = new LambdaModel(sandbox);
    return [lambda];
  });
  if (!lambda) throw new Error("no model");
  const velero = new VeleroModel(built.estate.clock);
  const elasticsearch = new ElasticsearchModel(built.estate.clock);
  registerSeedCustomSteps(
    lambda,
    built.estate,
    { velero, elasticsearch },
    {
      veleroRestore: [VELERO],
      elasticsearchRestore: [SEARCH],
    },
  );
  const provider: ClientProvider = {
    forRegion: (region) => built.clients(region),
    probe: (region) => built.clients(region),
    recoveryCluster: () => {
      throw new Error("not used");
    },
  };
  const invoker = new LambdaInvoker(provider);
  /** Invokes a seed function as the custom step does: again with its previous answer while it is pending. */
  const call = async (arn: string, input: Record<string, unknown>, previous?: unknown, attempt = 1) => {
    const event: CustomStepEvent = {
      kirikae: 1,
      plan: "shop",
      direction: "failover",
      sourceRegion: TOKYO,
      targetRegion: SINGAPORE,
      executionId: "arn:aws:states:ap-southeast-1:111122223333:execution:kirikae-failover:drill-1",
      step: "restore-orders",
      attempt,
      input,
      ...(previous === undefined ? {} : { previous: previous as Record<string, unknown> }),
    };
    return await invoker.invoke(arn, event);
  };
  return { ...built, lambda, velero, elasticsearch, call };
}

describe("seed custom step: Velero restore of a namespace", () => {
  const input = { namespace: "orders", backupName: "nightly-0412", clusterName: CLUSTER };

  it("creates a Restore on the first call, answers pending, and restored with the items once Completed", async () => {
    const { estate: sandbox, velero, call } = estate();
    velero.addBackup(SINGAPORE, CLUSTER, { name: "nightly-0412", namespaces: { orders: 42, search: 7 } });

    const first = await call(VELERO, input);
    const midway = await call(VELERO, input, first.payload, 2);
    sandbox.clock.advance(VELERO_DONE_MS);
    const done = await call(VELERO, input, midway.payload, 3);

    expect(first.payload).toMatchObject({ status: "pending", phase: "New", backupName: "nightly-0412" });
    expect(midway.payload).toMatchObject({ status: "pending" });
    expect(done).toMatchObject({
      payload: { restored: true, phase: "Completed", namespace: "orders", itemsRestored: 42 },
    });
    expect(done.functionError).toBeUndefined();
    expect(velero.restores(SINGAPORE, CLUSTER)).toEqual([
      expect.objectContaining({
        backupName: "nightly-0412",
        includedNamespaces: ["orders"],
        phase: "Completed",
      }),
    ]);
  });

  it("creates one Restore however often its first call is repeated", async () => {
    const { velero, call } = estate();
    velero.addBackup(SINGAPORE, CLUSTER, { name: "nightly-0412", namespaces: { orders: 42 } });

    await call(VELERO, input);
    const again = await call(VELERO, input);

    expect(again.payload).toMatchObject({ status: "pending" });
    expect(velero.restores(SINGAPORE, CLUSTER)).toHaveLength(1);
  });

  it("restores the newest Completed backup of a schedule", async () => {
    const { estate: sandbox, velero, call } = estate();
    const now = sandbox.clock.now().getTime();
    velero.addBackup(SINGAPORE, CLUSTER, {
      name: "daily-0410",
      schedule: "daily",
      completedAt: new Date(now - 2 * 86_400_000),
      namespaces: { orders: 40 },
    });
    velero.addBackup(SINGAPORE, CLUSTER, {
      name: "daily-0411",
      schedule: "daily",
      completedAt: new Date(now - 86_400_000),
      namespaces: { orders: 41 },
    });
    velero.addBackup(SINGAPORE, CLUSTER, {
      name: "daily-0412",
      schedule: "daily",
      phase: "Failed",
      completedAt: new Date(now - 3_600_000),
      namespaces: { orders: 0 },
    });

    const first = await call(VELERO, { namespace: "orders", scheduleName: "daily", clusterName: CLUSTER });
    sandbox.clock.advance(VELERO_DONE_MS);
    const done = await call(
      VELERO,
      { namespace: "orders", scheduleName: "daily", clusterName: CLUSTER },
      first.payload,
      2,
    );

    expect(first.payload).toMatchObject({ backupName: "daily-0411" });
    expect(done.payload).toMatchObject({ restored: true, itemsRestored: 41 });
  });

  it("answers restored false with Velero's validation error when the backup does not exist", async () => {
    const { estate: sandbox, velero, call } = estate();
    velero.addCluster(SINGAPORE, CLUSTER);

    const first = await call(VELERO, input);
    sandbox.clock.advance(DEFAULT_VELERO_TIMINGS.validationMs);
    const done = await call(VELERO, input, first.payload, 2);

    expect(done.payload).toMatchObject({
      restored: false,
      phase: "FailedValidation",
      namespace: "orders",
      validationErrors: ['Error retrieving backup: backup.velero.io "nightly-0412" not found'],
    });
  });

  it("answers restored false with the phase when Velero only partly restores the namespace", async () => {
    const { estate: sandbox, velero, call } = estate();
    velero.addBackup(SINGAPORE, CLUSTER, { name: "nightly-0412", namespaces: { orders: 42 } });
    velero.failNextRestore(
      SINGAPORE,
      CLUSTER,
      "PartiallyFailed",
      "2 persistent volumes could not be restored",
    );

    const first = await call(VELERO, input);
    sandbox.clock.advance(VELERO_DONE_MS);
    const done = await call(VELERO, input, first.payload, 2);

    expect(done.payload).toMatchObject({
      restored: false,
      phase: "PartiallyFailed",
      itemsRestored: 21,
      errors: 1,
    });
  });

  it("answers restored false when the schedule has no Completed backup", async () => {
    const { velero, call } = estate();
    velero.addCluster(SINGAPORE, CLUSTER);

    const answer = await call(VELERO, { namespace: "orders", scheduleName: "daily", clusterName: CLUSTER });

    expect(answer.payload).toMatchObject({ restored: false, phase: "NoBackup" });
  });

  it("fails the invocation, naming the input, when the block's input is incomplete", async () => {
    const { call } = estate();

    const answer = await call(VELERO, { namespace: "orders", clusterName: CLUSTER });

    expect(answer.functionError).toBe("Unhandled");
    expect(answer.payload).toMatchObject({
      errorType: "CustomStepInputError",
      errorMessage: expect.stringContaining("give backupName or scheduleName"),
    });
  });

  it("fails the invocation when the target region's Kubernetes API does not answer", async () => {
    const { estate: sandbox, velero, lambda, call } = estate();
    velero.addBackup(SINGAPORE, CLUSTER, { name: "nightly-0412", namespaces: { orders: 42 } });
    // The cluster's region is down, the function's own (where Lambda runs it) is modelled as another here.
    const tokyoFunction = `arn:aws:lambda:${TOKYO}:${ACCOUNT}:function:velero-restore`;
    registerSeedCustomSteps(
      lambda,
      sandbox,
      { velero, elasticsearch: new ElasticsearchModel(sandbox.clock) },
      { veleroRestore: [tokyoFunction] },
    );
    sandbox.addFault({ kind: "region-down", region: SINGAPORE });

    const answer = await call(tokyoFunction, input);

    expect(answer.functionError).toBe("Unhandled");
    expect(answer.payload).toMatchObject({ errorType: "TimeoutError" });
  });
});

describe("seed custom step: Elasticsearch snapshot restore", () => {
  function withDomain() {
    const built = estate();
    const endpoint = built.elasticsearch.addDomain(SINGAPORE, "logs");
    built.elasticsearch.addSnapshot(endpoint, "backup", "snapshot-0412", {
      "orders-2026.04": { primaries: 2, replicas: 1, docs: 1_000 },
      "audit-2026.04": { primaries: 1, replicas: 1, docs: 500 },
    });
    const input = {
      endpoints: { [SINGAPORE]: endpoint },
      repository: "backup",
      snapshot: "snapshot-0412",
      indices: ["orders-2026.04", "audit-2026.04"],
    };
    return { ...built, endpoint, input };
  }

  it("starts the restore, answers pending while the indices are yellow, and restored once they are green", async () => {
    const { estate: sandbox, elasticsearch, endpoint, input, call } = withDomain();

    const first = await call(SEARCH, input);
    sandbox.clock.advance(PRIMARIES_MS);
    const yellow = await call(SEARCH, input, first.payload, 2);
    sandbox.clock.advance(GREEN_MS - PRIMARIES_MS);
    const green = await call(SEARCH, input, yellow.payload, 3);

    expect(first.payload).toMatchObject({ status: "pending", restoreStarted: true });
    expect(yellow.payload).toMatchObject({ status: "pending", health: "yellow", shardsRecovered: "3/6" });
    expect(green.payload).toEqual({
      restored: true,
      health: "green",
      indices: ["orders-2026.04", "audit-2026.04"],
      snapshot: "snapshot-0412",
    });
    expect(elasticsearch.indexHealth(endpoint, "orders-2026.04")?.status).toBe("green");
  });

  it("does not start the restore again when a first call is repeated after its answer was lost", async () => {
    const { input, call } = withDomain();

    await call(SEARCH, input);
    const repeated = await call(SEARCH, input);

    expect(repeated.payload).toMatchObject({ status: "pending", restoreStarted: true });
    expect(repeated.functionError).toBeUndefined();
  });

  it("answers restored false with the domain's reason when the snapshot does not exist", async () => {
    const { input, call } = withDomain();

    const answer = await call(SEARCH, { ...input, snapshot: "snapshot-0499" });

    expect(answer.payload).toMatchObject({
      restored: false,
      reason: "snapshot_missing_exception: [backup:snapshot-0499] is missing",
      statusCode: 404,
    });
  });

  it("answers restored false when an open index of the same name is in the way", async () => {
    const { elasticsearch, endpoint, input, call } = withDomain();
    elasticsearch.addIndex(endpoint, "audit-2026.04");

    const answer = await call(SEARCH, input);

    expect(answer.payload).toMatchObject({
      restored: false,
      reason: expect.stringContaining("because an open index with same name already exists in the cluster"),
    });
  });

  it("answers restored false, health red, when an index's primaries cannot be restored", async () => {
    const { estate: sandbox, elasticsearch, endpoint, input, call } = withDomain();
    elasticsearch.failRestoreOf(endpoint, "orders-2026.04");

    const first = await call(SEARCH, input);
    sandbox.clock.advance(GREEN_MS);
    const done = await call(SEARCH, input, first.payload, 2);

    expect(done.payload).toMatchObject({
      restored: false,
      health: "red",
      reason: "primary shards of orders-2026.04 are unassigned and no recovery is running",
    });
  });

  it("fails the invocation when the target region's domain does not answer", async () => {
    const { estate: sandbox, lambda, elasticsearch, input, call } = withDomain();
    const tokyoFunction = `arn:aws:lambda:${TOKYO}:${ACCOUNT}:function:elasticsearch-restore`;
    registerSeedCustomSteps(
      lambda,
      sandbox,
      { velero: new VeleroModel(sandbox.clock), elasticsearch },
      { elasticsearchRestore: [tokyoFunction] },
    );
    sandbox.addFault({ kind: "region-down", region: SINGAPORE });

    const answer = await call(tokyoFunction, input);

    expect(answer.functionError).toBe("Unhandled");
    expect(answer.payload).toMatchObject({ errorType: "TimeoutError" });
  });
});
