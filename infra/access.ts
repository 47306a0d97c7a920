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
  /** The detector's held signal: PutItem and DeleteItem on the state table. */
  | "state.signal"
  /** DynamoDbAuditTrail.append: Query for the chain head, conditional PutItem. Never Update or Delete. */
  | "audit.append"
  /** DynamoDbAuditTrail.query/chain: Query on the table and its indexes. */
  | "audit.query"
  | "notify"
  /** CloudWatchAlarms.state: DescribeAlarms on the plans' trigger alarms. */
  | "alarms.describe"
  /** CloudWatchAlarms.routes: which EventBridge rules take an alarm's events, and their targets. */
  | "alarms.routes"
  | "workflows.start-failover"
  /** RdsGlobalDatabase.describe. */
  | "database.describe"
  /** RdsGlobalDatabase.clusterAvailable: DescribeDBClusters on the member clusters. */
  | "database.probe"
  /** RdsGlobalDatabase.replicationLagMs: GetMetricData (AuroraGlobalDBRPOLag). */
  | "database.lag"
  | "database.promote"
  /** EksCompute.clusterStatus and nodegroups: DescribeCluster, ListNodegroups. */
  | "compute.clusters"
  /** EksCompute.nodegroup: DescribeNodegroup. */
  | "compute.nodegroups"
  | "compute.scale"
  /** Route53Dns.listRecords. */
  | "dns.records"
  /** Route53Dns.changeRecords and changeInSync. */
  | "dns.change"
  /** Route53Dns.answer: TestDNSAnswer. */
  | "dns.answer"
  /** Route53Dns.healthCheckHealthy. */
  | "dns.health"
  /** CloudTrailEvidence.events: LookupEvents. */
  | "evidence.lookup"
  /** CloudWatchMetrics.publish, in the Kirikae namespace only. */
  | "readiness.metric";

/** Per function key; a task key missing here fails the deploy (see grants.ts), never a silent default. */
export const functionAccess: Readonly<Record<string, readonly Capability[]>> = {
  acceptRequest: ["state.read", "state.update", "audit.append"],
  precheck: [
    "database.describe",
    "database.probe",
    "database.lag",
    "compute.clusters",
    "compute.nodegroups",
    "dns.health",
    "audit.append",
  ],
  requestApproval: ["state.update", "audit.append", "notify"],
  promoteDatabase: [
    "database.describe",
    "database.probe",
    "database.lag",
    "database.promote",
    "audit.append",
  ],
  scaleNodegroups: ["compute.nodegroups", "compute.scale", "audit.append"],
  scaleDownNodegroups: ["compute.nodegroups", "compute.scale", "audit.append"],
  switchTraffic: ["database.describe", "dns.records", "dns.change", "dns.answer", "audit.append"],
  verifyRecovery: ["database.describe", "dns.health", "audit.append"],
  completeWorkflow: ["state.update", "audit.append", "notify"],
  // Escalation reads the writer and undoes this run's scale-up; it never touches DNS or the database.
  abortWorkflow: [
    "database.describe",
    "compute.nodegroups",
    "compute.scale",
    "state.update",
    "audit.append",
    "notify",
  ],
  detectAlarm: [
    "state.read",
    "state.update",
    "state.signal",
    "alarms.describe",
    "workflows.start-failover",
    "audit.append",
    "notify",
  ],
  queryAudit: ["audit.query"],
  linkEvidence: ["evidence.lookup", "audit.query", "audit.append"],
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
    "alarms.describe",
    "alarms.routes",
    "readiness.metric",
    "notify",
  ],
};
