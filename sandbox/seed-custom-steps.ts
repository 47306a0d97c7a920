import type { Clock } from "../core/clock.js";
import { TRANSPORT_TIMEOUT_MS } from "../examples/custom-steps/aws-transports.js";
import {
  createElasticsearchRestoreHandler,
  type SearchHttp,
} from "../examples/custom-steps/elasticsearch-restore.js";
import { createVeleroRestoreHandler, type KubernetesJson } from "../examples/custom-steps/velero-restore.js";
import type { ModelContext } from "./service-model.js";
import type { ElasticsearchModel } from "./services/elasticsearch-model.js";
import type { FunctionOptions, LambdaModel } from "./services/lambda-model.js";
import type { VeleroModel } from "./services/velero-model.js";

type Reachability = Pick<ModelContext, "isRegionUp"> & { clock: Clock };

/** The ARNs that run each seed Lambda: a lambda block may name one function per region. */
export interface SeedCustomStepArns {
  veleroRestore?: readonly string[];
  elasticsearchRestore?: readonly string[];
}

/**
 * Registers the seed runbooks' restores (examples/custom-steps) in the sandbox's Lambda model under the
 * given ARNs, their production transports swapped for the sandbox's Velero and search domain models. The
 * functions' code is the examples' own: only what they talk to is the sandbox's.
 */
export function registerSeedCustomSteps(
  lambda: LambdaModel,
  estate: Reachability,
  models: { velero: VeleroModel; elasticsearch: ElasticsearchModel },
  arns: SeedCustomStepArns,
  options: FunctionOptions = {},
): void {
  const velero = createVeleroRestoreHandler({
    kubernetes: (region, clusterName) =>
      new SandboxKubernetesJson(estate, models.velero, region, clusterName),
  });
  const elasticsearch = createElasticsearchRestoreHandler({
    http: new SandboxSearchHttp(estate, models.elasticsearch),
  });
  for (const arn of arns.veleroRestore ?? []) lambda.register(arn, velero, options);
  for (const arn of arns.elasticsearchRestore ?? []) lambda.register(arn, elasticsearch, options);
}

/**
 * A cluster's Kubernetes API as the Velero restore reaches it: straight to VeleroModel (no IAM, no
 * CloudTrail: not an AWS API), in the cluster's region, so a region that is down answers nothing and the
 * request fails after the transport's timeout, as the production transport's would.
 */
export class SandboxKubernetesJson implements KubernetesJson {
  constructor(
    private readonly estate: Reachability,
    private readonly model: VeleroModel,
    private readonly region: string,
    private readonly clusterName: string,
  ) {}

  async request(
    method: "GET" | "POST",
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    if (!this.model.hasCluster(this.region, this.clusterName)) {
      // What eks:DescribeCluster answers for a cluster that does not exist, before any request is sent.
      throw Object.assign(new Error(`No cluster found for name: ${this.clusterName}.`), {
        name: "ResourceNotFoundException",
      });
    }
    await unreachableAfterTimeout(this.estate, this.region, `the Kubernetes API of ${this.clusterName}`);
    return this.model.request(this.region, this.clusterName, method, path, body);
  }
}

/** A search domain's REST API as the Elasticsearch restore reaches it, by the endpoint's host. */
export class SandboxSearchHttp implements SearchHttp {
  constructor(
    private readonly estate: Reachability,
    private readonly model: ElasticsearchModel,
  ) {}

  async request(
    method: "GET" | "POST",
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const host = new URL(url).hostname;
    const region = this.model.regionOf(host);
    if (region === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    }
    await unreachableAfterTimeout(this.estate, region, host);
    return await this.model.request(method, url, body);
  }
}

async function unreachableAfterTimeout(estate: Reachability, region: string, what: string): Promise<void> {
  if (estate.isRegionUp(region)) return;
  await estate.clock.sleep(TRANSPORT_TIMEOUT_MS);
  throw Object.assign(new Error(`${what} (${region}) did not answer within ${TRANSPORT_TIMEOUT_MS} ms`), {
    name: "TimeoutError",
  });
}
