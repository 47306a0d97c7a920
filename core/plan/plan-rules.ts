import { isIPv4, isIPv6 } from "node:net";
import { checkBlockRules } from "../blocks/block-rules.js";
import { LEGACY_FIXED_BLOCKS } from "../blocks/plan-blocks.js";
import type { Plan } from "./schema.js";

export interface PlanIssue {
  /** Where in the document, e.g. `compute.clusters[1].nodegroups[0].activeSize`. */
  path: string;
  message: string;
  hint?: string;
  /** Set on a warning: a risk worth fixing that does not make the plan invalid. Absent on errors. */
  severity?: "warning";
}

/** Route 53's health-check metrics, and so the alarms on them, exist only here. */
const US_EAST_1 = "us-east-1";

/**
 * Risks that leave the plan valid: `plan validate` prints them and still passes, and `kirikae check`
 * reports the same risk as a gap against the estate.
 */
export function checkPlanWarnings(plan: Plan): PlanIssue[] {
  return [
    ...deprecationWarnings(plan),
    ...silencedTriggerWarnings(plan),
    ...selfSteeringRecordWarnings(plan),
  ];
}

/**
 * Records kirikae edits that also carry health checks steer themselves: once the active target's check
 * fails, Route 53 answers with the standby's record (a failover record's secondary, or the weighted
 * records left, zero weight included: "If all records with a weight greater than 0 are unhealthy, Route 53
 * considers the zero-weighted records"; Route 53 Developer Guide, "How Amazon Route 53 chooses records when
 * health checking is configured",
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-how-route-53-chooses-records.html), so users reach the standby's read-only database before kirikae has
 * promoted it. Gates exist to stop exactly that.
 */
function selfSteeringRecordWarnings(plan: Plan): PlanIssue[] {
  if (plan.dns.gates !== undefined) return [];
  const checked = plan.dns.records.flatMap((record, index) =>
    record.targets[plan.activeRegion]?.healthCheckId === undefined ? [] : [index],
  );
  const [first] = checked;
  if (first === undefined) return [];
  return [
    {
      path: `dns.records[${first}].targets.${plan.activeRegion}.healthCheckId`,
      message: `${checked.length} of the records kirikae edits carr${checked.length === 1 ? "ies" : "y"} a health check on the active target: when it fails, Route 53 sends users to ${otherRegionOf(plan)} before its database is promoted, and they meet a read-only database until kirikae has switched over`,
      hint: 'move traffic by gates (dns.gates, e.g. {"kind": "s3-object", "bucket": "..."}), which keep users on the writer; see docs/plan.md, "Moving traffic"',
      severity: "warning",
    },
  ];
}

function otherRegionOf(plan: Pick<Plan, "regions" | "activeRegion">): string {
  return plan.regions.find((region) => region !== plan.activeRegion) ?? "the standby region";
}

/** Fields old plans still say: they load, with what to write instead. */
function deprecationWarnings(plan: Plan): PlanIssue[] {
  const { allowDataLoss, dataLoss } = plan.database;
  if (allowDataLoss === undefined) return [];
  return [
    {
      path: "database.allowDataLoss",
      message: `is deprecated; read as database.dataLoss "${dataLoss}"`,
      hint:
        `replace it with "dataLoss": "${dataLoss}" (one of "never", "within-rpo", "approval-above-rpo"; ` +
        `see "When kirikae switches over, fails over, waits or asks" in the README)`,
      severity: "warning",
    },
  ];
}

function silencedTriggerWarnings(plan: Plan): PlanIssue[] {
  const silenced = triggersSilencedBy(plan);
  if (silenced.length === 0) return [];
  const standby = plan.regions.find((region) => region !== plan.activeRegion) ?? plan.activeRegion;
  return [
    {
      path: "triggers.alarms",
      message: `every trigger alarm lives in ${silenced.join(" or ")}: an outage of ${silenced.length === 1 ? "that region" : "either"} may silence every trigger, and no failover starts`,
      hint: canaryHint(standby, plan.activeRegion),
      severity: "warning",
    },
  ];
}

/**
 * The regions whose outage could leave the plan with no trigger alarm to fire: those of its alarms when
 * each lives in the region it watches (the active region) or in us-east-1; empty when one lives anywhere
 * else. An alarm's events leave from its own region, so an alarm there goes quiet with it.
 */
export function triggersSilencedBy(plan: Pick<Plan, "activeRegion" | "triggers">): string[] {
  const exposed = new Set([plan.activeRegion, US_EAST_1]);
  const regions = [...new Set(plan.triggers.alarms.map((alarm) => alarm.region))];
  if (regions.length === 0 || regions.some((region) => !exposed.has(region))) return [];
  return regions.sort((a, b) => (a === plan.activeRegion ? -1 : b === plan.activeRegion ? 1 : 0));
}

/** What to add: an alarm evaluated from the region that survives the outage. */
export function canaryHint(standbyRegion: string, activeRegion: string): string {
  return (
    `add a canary alarm evaluated from the standby region ${standbyRegion}: a CloudWatch Synthetics canary ` +
    `in ${standbyRegion} calling the ${activeRegion} endpoint, with an alarm on its SuccessPercent there, or a ` +
    `metric alarm in ${standbyRegion} on a probe of ${activeRegion}; list it under triggers.alarms with region ${standbyRegion}`
  );
}

/**
 * Rules that tie fields together. A workflow that passed schema validation but broke one of these would
 * fail mid-incident (a region without a database member cannot be promoted), so they are checked up front.
 */
export function checkPlanRules(plan: Plan): PlanIssue[] {
  if (plan.recovery.form === "legacy") {
    return [
      ...checkRegions(plan),
      ...checkDatabase(plan),
      ...checkDns(plan),
      ...checkGates(plan),
      ...checkCompute(plan),
      ...checkBlocks(plan),
    ];
  }
  // A plan of blocks: the same rules on each block's own part, reported at the block's path.
  return [
    ...checkRegions(plan),
    ...plan.recovery.blocks.flatMap((block, index) => {
      const at = (issues: PlanIssue[], field: string) =>
        issues.map((issue) => ({
          ...issue,
          path: issue.path.replace(new RegExp(`^${field}`), `recovery.blocks[${index}].${field}`),
        }));
      switch (block.kind) {
        case "aurora-global":
          return at(checkDatabase({ ...plan, database: block.database }), "database");
        case "route53": {
          const narrowed = { ...plan, dns: block.dns };
          return at([...checkDns(narrowed), ...checkGates(narrowed)], "dns");
        }
        case "eks":
          return at(checkCompute({ ...plan, compute: block.compute }), "compute");
        default:
          return [];
      }
    }),
    ...checkBlocks(plan),
  ];
}

function checkRegions(plan: Plan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const [first, second] = plan.regions;
  if (first !== undefined && first === second) {
    issues.push({ path: "regions[1]", message: `repeats ${first}`, hint: "name a different standby region" });
  }
  if (!plan.regions.includes(plan.activeRegion)) {
    issues.push({
      path: "activeRegion",
      message: `${plan.activeRegion} is not one of the plan's regions (${plan.regions.join(", ")})`,
      hint: "set activeRegion to the region that serves traffic today",
    });
  }
  return issues;
}

function checkDatabase(plan: Plan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  for (const region of plan.regions) {
    const arn = plan.database.members[region];
    if (arn === undefined) {
      issues.push({
        path: `database.members.${region}`,
        message: `no member cluster for region ${region}`,
        hint: "every region needs a cluster in the global database so it can be promoted",
      });
    } else if (arnRegion(arn) !== region) {
      issues.push({
        path: `database.members.${region}`,
        message: `the cluster ARN is in ${arnRegion(arn)}, not ${region}`,
        hint: "list each region's own member cluster under that region",
      });
    }
  }
  for (const region of Object.keys(plan.database.members)) {
    if (!plan.regions.includes(region)) {
      issues.push({
        path: `database.members.${region}`,
        message: `${region} is not one of the plan's regions`,
      });
    }
  }
  return issues;
}

function checkDns(plan: Plan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  issues.push(
    ...duplicates(
      plan.dns.records.map((record) => `${record.name}/${record.type}`),
      "dns.records",
      "name",
    ),
  );
  plan.dns.records.forEach((record, index) => {
    const base = `dns.records[${index}]`;
    for (const region of plan.regions) {
      const target = record.targets[region];
      if (target === undefined) {
        issues.push({
          path: `${base}.targets.${region}`,
          message: `no target for region ${region}`,
          hint: "each record needs where traffic goes in each region",
        });
      } else if (
        plan.dns.routing === "failover" &&
        plan.dns.gates === undefined &&
        target.healthCheckId === undefined
      ) {
        issues.push({
          path: `${base}.targets.${region}.healthCheckId`,
          message: "failover routing needs a health check on every target",
          hint: "Route 53 only fails over from a record whose health check is unhealthy",
        });
      }
    }
    for (const [region, target] of Object.entries(record.targets)) {
      const notAnAddress = addressProblem(record.type, target);
      if (notAnAddress) issues.push({ path: `${base}.targets.${region}.value`, ...notAnAddress });
      if (!plan.regions.includes(region)) {
        issues.push({
          path: `${base}.targets.${region}`,
          message: `${region} is not one of the plan's regions`,
        });
      }
    }
    issues.push(
      ...duplicates(
        Object.values(record.targets).map((target) => target.setIdentifier),
        `${base}.targets`,
        "setIdentifier",
      ),
    );
  });
  return issues;
}

/**
 * Gates only make failover routing safe: with weighted records, two closed gates make Route 53 answer
 * with every record "as if all were healthy", which would split traffic during the switch.
 */
function checkGates(plan: Plan): PlanIssue[] {
  const gates = plan.dns.gates;
  if (gates === undefined) return [];
  const issues: PlanIssue[] = [];
  if (plan.dns.routing !== "failover") {
    issues.push({
      path: "dns.routing",
      message: "traffic gates need failover routing",
      hint: 'set dns.routing to "failover", or remove dns.gates to switch by editing records',
    });
  }
  if (gates.kind === "arc-routing-control") {
    for (const region of plan.regions) {
      if (gates.routingControls[region] === undefined) {
        issues.push({
          path: `dns.gates.routingControls.${region}`,
          message: `no routing control for region ${region}`,
          hint: "each region's failover record is gated by its own routing control",
        });
      }
    }
    issues.push(
      ...duplicates(
        gates.clusterEndpoints.map((endpoint) => endpoint.region),
        "dns.gates.clusterEndpoints",
        "region",
      ),
    );
  }
  return issues;
}

function checkCompute(plan: Plan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const clusters = plan.compute.clusters;
  issues.push(
    ...duplicates(
      clusters.map((cluster) => cluster.region),
      "compute.clusters",
      "region",
    ),
  );
  for (const region of plan.regions) {
    if (!clusters.some((cluster) => cluster.region === region)) {
      issues.push({
        path: "compute.clusters",
        message: `no EKS cluster for region ${region}`,
        hint: "each region needs a cluster whose nodegroups can take the load",
      });
    }
  }
  clusters.forEach((cluster, clusterIndex) => {
    const base = `compute.clusters[${clusterIndex}]`;
    if (!plan.regions.includes(cluster.region)) {
      issues.push({ path: `${base}.region`, message: `${cluster.region} is not one of the plan's regions` });
    }
    issues.push(
      ...duplicates(
        cluster.nodegroups.map((nodegroup) => nodegroup.name),
        `${base}.nodegroups`,
        "name",
      ),
    );
    cluster.nodegroups.forEach((nodegroup, index) => {
      const path = `${base}.nodegroups[${index}]`;
      if (nodegroup.standbySize > nodegroup.activeSize) {
        issues.push({
          path: `${path}.standbySize`,
          message: `standby size ${nodegroup.standbySize} is larger than active size ${nodegroup.activeSize}`,
          hint: "a standby runs smaller than (or as large as) the active region",
        });
      }
      if (nodegroup.activeSize > nodegroup.maxSize) {
        issues.push({
          path: `${path}.activeSize`,
          message: `active size ${nodegroup.activeSize} is larger than max size ${nodegroup.maxSize}`,
          hint: "EKS rejects a desired size above the nodegroup's maximum; raise maxSize",
        });
      }
    });
  });
  return issues;
}

/**
 * Route 53 takes an A record's value only as an IPv4 address and an AAAA's only as an IPv6 one
 * (InvalidChangeBatch otherwise); a load balancer's host name is published with an alias instead.
 */
function checkBlocks(plan: Plan): PlanIssue[] {
  if (plan.recovery.form === "blocks") {
    return checkBlockRules(plan, (index, field) => `recovery.blocks[${index}].${field}`);
  }
  // The first version's custom steps became the blocks after its three fixed ones: report their
  // problems where the author wrote them.
  const fixed = LEGACY_FIXED_BLOCKS;
  return checkBlockRules(plan, (index, field) =>
    index < fixed
      ? `recovery.blocks[${index}].${field}`
      : `customSteps[${index - fixed}].${field === "id" ? "name" : field}`,
  );
}

function addressProblem(
  type: string,
  target: { value: string; alias?: unknown },
): Omit<PlanIssue, "path"> | undefined {
  if (target.alias !== undefined) return undefined;
  const wanted =
    type === "A"
      ? { ok: isIPv4, what: "an IPv4 address" }
      : type === "AAAA"
        ? { ok: isIPv6, what: "an IPv6 address" }
        : undefined;
  if (!wanted || wanted.ok(target.value)) return undefined;
  return {
    message: `an ${type} record's value must be ${wanted.what}, not "${target.value}"`,
    hint: `to point at a load balancer by name, replace value with alias: { hostedZoneId, dnsName: "${target.value}", evaluateTargetHealth: true } (the load balancer's canonical hosted zone ID), or make the record a CNAME`,
  };
}

function duplicates(values: string[], path: string, field: string): PlanIssue[] {
  const seen = new Map<string, number>();
  const issues: PlanIssue[] = [];
  values.forEach((value, index) => {
    const first = seen.get(value);
    if (first === undefined) {
      seen.set(value, index);
      return;
    }
    issues.push({
      path: `${path}[${index}].${field}`,
      message: `duplicate ${field} "${value}" (also at ${path}[${first}])`,
      hint: `each ${field} must be unique`,
    });
  });
  return issues;
}

function arnRegion(arn: string): string {
  return arn.split(":")[3] ?? "";
}
