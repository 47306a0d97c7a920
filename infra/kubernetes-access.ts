import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Plan } from "../core/plan/schema.js";
import { functionRoleName, partitionOf, pascalCase } from "./names.js";
import type { RegionProviders } from "./providers.js";
import { recoveryRegion } from "./topology.js";

/**
 * The functions that talk to a cluster's Kubernetes API (Ready nodes and pods; Deployment scale), and
 * what they do there: "scale" patches Deployments' scale, "read" only counts. Kept beside the access
 * entries they need rather than in infra/access.ts, because Kubernetes RBAC is granted by EKS access
 * policies, not IAM statements.
 */
/** Scales a returned old region down to standby after a data-loss failover: its home cluster only. */
export const FENCE_KEY = "fenceReturnedRegions";

export const KUBERNETES_USERS = {
  scaleNodegroups: "scale",
  scaleDownNodegroups: "scale",
  abortWorkflow: "scale",
  verifyRecovery: "read",
} as const;

/**
 * EKS managed access policies (EKS user guide, "Review access policy permissions"): AdminView reads every
 * resource of the cluster, nodes included, which the namespaced View policy cannot; Edit may change
 * workloads, and is scoped to the namespaces of the plan's Deployments only.
 */
const READ_POLICY = "cluster-access-policy/AmazonEKSAdminViewPolicy";
const SCALE_POLICY = "cluster-access-policy/AmazonEKSEditPolicy";

/**
 * An access entry on each plan cluster for every control-plane region's role of each function above
 * (failover scales the standby from the standby region, failback and escalation reach the other cluster
 * too), with the policies that role needs (EKS user guide, "Grant IAM users access to Kubernetes with EKS
 * access entries"). The cluster's authentication mode must include the EKS API.
 */
export function kubernetesAccess(args: {
  stage: string;
  plans: readonly Plan[];
  account: pulumi.Input<string>;
  providers: RegionProviders;
}): void {
  const { stage, plans, providers } = args;
  for (const plan of plans) {
    for (const cluster of plan.compute.clusters) {
      const provider = providers(cluster.region);
      const namespaces = [...new Set(cluster.workloads.map((workload) => workload.namespace))];
      // The fence runs in the recovery region and only ever scales the plan's home cluster down.
      const fence: Array<[string, string, "scale"]> =
        cluster.region === plan.activeRegion ? [[FENCE_KEY, recoveryRegion(plan), "scale"]] : [];
      const users = [
        ...plan.regions.flatMap((roleRegion) =>
          Object.entries(KUBERNETES_USERS).map(([key, use]) => [key, roleRegion, use] as const),
        ),
        ...fence,
      ];
      for (const [key, roleRegion, use] of users) {
        const logical = `${pascalCase(plan.name)}${pascalCase(cluster.name)}${pascalCase(key)}${pascalCase(roleRegion)}`;
        const principalArn = roleArn(args.account, cluster.region, functionRoleName(stage, key, roleRegion));
        const entry = new aws.eks.AccessEntry(
          `${logical}AccessEntry`,
          { clusterName: cluster.name, principalArn, type: "STANDARD" },
          { provider },
        );
        new aws.eks.AccessPolicyAssociation(
          `${logical}ReadNodes`,
          {
            clusterName: cluster.name,
            principalArn,
            policyArn: `arn:${partitionOf(cluster.region)}:eks::aws:${READ_POLICY}`,
            accessScope: { type: "cluster" },
          },
          { provider, dependsOn: [entry] },
        );
        if (use !== "scale" || namespaces.length === 0) continue;
        new aws.eks.AccessPolicyAssociation(
          `${logical}ScaleWorkloads`,
          {
            clusterName: cluster.name,
            principalArn,
            policyArn: `arn:${partitionOf(cluster.region)}:eks::aws:${SCALE_POLICY}`,
            accessScope: { type: "namespace", namespaces },
          },
          { provider, dependsOn: [entry] },
        );
      }
    }
  }
}

function roleArn(account: pulumi.Input<string>, region: string, roleName: string): pulumi.Output<string> {
  return pulumi.output(account).apply((id) => `arn:${partitionOf(region)}:iam::${id}:role/${roleName}`);
}
