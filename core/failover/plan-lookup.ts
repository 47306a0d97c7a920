import type { EksClusterPlan, Plan } from "../plan/schema.js";
import { InvalidWorkflowInput } from "../workflow/workflow-errors.js";

// The plan was validated when loaded (every region has a member and a cluster); these lookups only fail
// if a request names a region the plan does not have, which is bad input, not a bug.

export function memberArn(plan: Plan, region: string): string {
  const arn = plan.database.members[region];
  if (arn === undefined)
    throw new InvalidWorkflowInput(`plan "${plan.name}" has no database member in ${region}`);
  return arn;
}

export function clusterFor(plan: Plan, region: string): EksClusterPlan {
  const cluster = plan.compute.clusters.find((candidate) => candidate.region === region);
  if (cluster === undefined)
    throw new InvalidWorkflowInput(`plan "${plan.name}" has no EKS cluster in ${region}`);
  return cluster;
}

export function otherRegion(plan: Plan, region: string): string {
  const other = plan.regions.find((candidate) => candidate !== region);
  if (other === undefined)
    throw new InvalidWorkflowInput(`plan "${plan.name}" has no region other than ${region}`);
  return other;
}
