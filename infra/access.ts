/**
 * What each function's code calls, as capabilities; infra/grants.ts turns a capability into IAM statements
 * on the plan's own resources. Read from adapters/aws/* and the domain steps that use them: when a
 * function starts calling something new, it is granted here, deliberately, or it fails with AccessDenied.
 */
export type Capability =
  /** DynamoDbPlanState.get: GetItem on the state table. */
  | "state.read"
  /** Lock, release, pending approval: UpdateItem on the state table. */
  | "state.update"
  /** DynamoDbAuditTrail.append: Query for the chain head, conditional PutItem. Never Update or Delete. */
  | "audit.append"
  /** DynamoDbAuditTrail.query/chain: Query on the table and its indexes. */
  | "audit.query"
  | "notify"
  /** CloudWatchAlarms.state: DescribeAlarms on the plans' trigger alarms. */
  | "alarms.describe"
  /** Lambda's on-failure destination of the detector: it sends with the function's own role. */
  | "detector.dead-letter"
  /**
   * SqsDeadLetters (the evidence linker drains the detector's dead-letter queue into the trail):
   * ReceiveMessage and DeleteMessage on that one queue, by its ARN. Never SendMessage, never the queue's
   * attributes or policy.
   */
  | "detector.dead-letter-drain"
  /** CloudWatchAlarms.routes: which EventBridge rules take an alarm's events, and their targets. */
  | "alarms.routes"
  | "workflows.start-failover"
  /** RdsGlobalDatabase.describe. */
  | "database.describe"
  /** RdsGlobalDatabase.clusterAvailable: DescribeDBClusters on the member clusters. */
  | "database.probe"
  /** RdsGlobalDatabase.replicationLag(Ms): GetMetricData (AuroraGlobalDBRPOLag or AuroraGlobalDBReplicationLag). */
  | "database.lag"
  | "database.promote"
  /** EksCompute.clusterStatus and nodegroups: DescribeCluster, ListNodegroups. */
  | "compute.clusters"
  /** EksCompute.nodegroup: DescribeNodegroup. */
  | "compute.nodegroups"
  | "compute.scale"
  /** Route53Dns.listRecords, on every plan's zone. */
  | "dns.records"
  /**
   * Record edits (switch-traffic without gates): Route53Dns.listRecords, changeRecords and changeInSync,
   * for the plans that edit records only. A gated plan's records never change, so it grants nothing.
   */
  | "dns.change"
  /** Route53Dns.healthCheckHealthy. */
  | "dns.health"
  /** Route53Dns.healthCheckFollows: what the health check on a gated plan's record follows (readiness). */
  | "dns.gate-health-checks"
  /** TrafficGates.set: the gated plans' objects, gate metrics or routing controls, by kind. */
  | "traffic.gates"
  /** CloudTrailEvidence.events: LookupEvents. */
  | "evidence.lookup"
  /** CloudWatchMetrics.publish, in the Kirikae namespace only. */
  | "readiness.metric"
  /**
   * fenceReturnedRegions: the home-region clusters of the plans this region recovers, and nothing else:
   * DescribeCluster (the probe, and the Kubernetes API's endpoint and CA), DescribeNodegroup and
   * UpdateNodegroupConfig on their nodegroups. The Deployments are scaled through the cluster's own API,
   * which the function's role reaches through an EKS access entry, not IAM (README, "Kubernetes access").
   */
  | "compute.fence"
  /**
   * writeDigest (core/audit/write-digest.ts): kms:Sign with the region's digest key (by its alias),
   * ListBucket and GetObject on the digest prefix (the previous digest), PutObject with its retention.
   * Never DeleteObject, never the bucket's lock or policy, never the key's deletion.
   */
  | "digests.write"
  /**
   * writeRunReport (core/report/write-run-report.ts): PutObject under the reports prefix of the region's
   * Object Lock bucket; the run's records are read with the audit trail's own Query (audit.append).
   */
  | "reports.write"
  /**
   * Readiness of the plans' Auto Scaling group and ECS service blocks (core/readiness/capacity-block-checks.ts):
   * DescribeAutoScalingGroups and DescribeServices only; nothing when no plan has such a block.
   */
  | "capacity.describe";

/** Per function key; a task key missing here fails the deploy (see grants.ts), never a silent default. */
/** The functions outside the workflows; workflow tasks declare theirs in the step registry (steps/registry.ts). */
export const functionAccess: Readonly<Record<string, readonly Capability[]>> = {
  detectAlarm: [
    "state.read",
    "state.update",
    "workflows.start-failover",
    "audit.append",
    "detector.dead-letter",
  ],
  queryAudit: ["audit.query"],
  linkEvidence: ["detector.dead-letter-drain", "evidence.lookup", "audit.query", "audit.append"],
  // Hourly: a digest of each plan's chain; a failure is recorded in the trail and notified.
  writeDigests: ["audit.append", "notify", "digests.write"],
  // After a data-loss failover: the plan's state, the returned home region's capacity to standby, once.
  fenceReturnedRegions: ["state.read", "state.update", "compute.fence", "audit.append", "notify"],
  // Reads where kirikae left each plan (state), then the estate, read-only; publishes its gaps.
  checkReadiness: [
    "state.read",
    "database.describe",
    "database.probe",
    "database.lag",
    "compute.clusters",
    "compute.nodegroups",
    "dns.records",
    "dns.health",
    "dns.gate-health-checks",
    "alarms.describe",
    "alarms.routes",
    "readiness.metric",
    "capacity.describe",
    "notify",
  ],
};
