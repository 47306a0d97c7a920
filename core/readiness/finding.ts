/**
 * One row of the readiness report: a resource the plan names, what the plan expects of it, and what AWS
 * says. A failed finding carries a hint saying what to do about it.
 */
export interface Finding {
  /** The kind of check, e.g. "compute.nodegroup"; stable, for scripts and dashboards. */
  check: string;
  /** The resource checked: an ARN, a name, or region/cluster/nodegroup. */
  resource: string;
  /** The region the resource lives in (Route 53 records: the region their target serves). */
  region: string;
  ok: boolean;
  expected: string;
  actual: string;
  hint?: string;
  /** Set when the region did not answer: the resource's state is unknown, which counts as a gap. */
  unreachable?: true;
}

export interface ReadinessSummary {
  checks: number;
  passed: number;
  /** Failed findings, unreachable ones included: the value of the ReadinessGaps metric. */
  gaps: number;
  unreachable: number;
}

export function summarise(findings: readonly Finding[]): ReadinessSummary {
  const passed = findings.filter((finding) => finding.ok).length;
  return {
    checks: findings.length,
    passed,
    gaps: findings.length - passed,
    unreachable: findings.filter((finding) => finding.unreachable).length,
  };
}
