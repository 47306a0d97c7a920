import { SandboxEstate } from "../../sandbox/estate.js";
import { type SandboxRegionClients, sandboxClients } from "../../sandbox/sandbox-clients.js";
import type { ServiceModel } from "../../sandbox/service-model.js";

export const TOKYO = "ap-northeast-1";
export const SINGAPORE = "ap-southeast-1";
export const ACCOUNT = "111122223333";
export const OPERATOR = `arn:aws:sts::${ACCOUNT}:assumed-role/kirikae-tasks/kirikae-test`;
export const TOKYO_CLUSTER = `arn:aws:rds:${TOKYO}:${ACCOUNT}:cluster:shop-tokyo`;
export const SINGAPORE_CLUSTER = `arn:aws:rds:${SINGAPORE}:${ACCOUNT}:cluster:shop-singapore`;

/** An estate with the given models, and real SDK clients per region answered by it. */
export function estateWith(build: (estate: SandboxEstate) => ServiceModel[]) {
  const estate = new SandboxEstate();
  for (const model of build(estate)) estate.register(model);
  const clients = (region: string, principal = OPERATOR): SandboxRegionClients =>
    sandboxClients(estate, region, principal);
  return { estate, clients };
}
