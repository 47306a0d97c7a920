import type { Finding, ReadinessSummary } from "../core/readiness/finding.js";
import { plural } from "./output.js";

const MAX_EXPECTED_WIDTH = 32;
const HEADER = { mark: " ", check: "check", region: "region", resource: "resource", expected: "expected" };

/**
 * The readiness table: a row per finding (✓ passed, ✗ gap, ? region did not answer) with what the plan
 * expects and what AWS says, and under each gap what to do about it.
 */
export function renderReadinessTable(findings: readonly Finding[]): string {
  const rows = findings.map((finding) => ({
    mark: finding.ok ? "✓" : finding.unreachable ? "?" : "✗",
    check: finding.check,
    region: finding.region,
    resource: shortResource(finding.resource),
    expected: finding.expected,
    actual: finding.actual,
    hint: finding.ok ? undefined : finding.hint,
  }));
  const width = (key: keyof typeof HEADER) =>
    Math.max(HEADER[key].length, ...rows.map((row) => row[key].length));
  const widths = {
    check: width("check"),
    region: width("region"),
    resource: width("resource"),
    // A few values (a DNS target with its health check) are long; they overflow rather than widen every row.
    expected: Math.min(width("expected"), MAX_EXPECTED_WIDTH),
  };
  const line = (row: typeof HEADER & { actual: string }) =>
    `  ${row.mark}  ${row.check.padEnd(widths.check)}  ${row.region.padEnd(widths.region)}  ${row.resource.padEnd(widths.resource)}  ${row.expected.padEnd(widths.expected)}  ${row.actual}`.trimEnd();
  const lines = [line({ ...HEADER, actual: "actual" })];
  let lastHint: string | undefined;
  for (const row of rows) {
    lines.push(line(row));
    // A region that did not answer gives the same advice for each of its rows: once is enough.
    if (row.hint && row.hint !== lastHint) lines.push(`       what to do: ${row.hint}`);
    lastHint = row.hint;
  }
  return `${lines.join("\n")}\n`;
}

export function renderReadinessSummary(plan: string, summary: ReadinessSummary): string {
  if (summary.gaps === 0) return `✓ ${plan} is ready: all ${plural(summary.checks, "check")} passed\n`;
  const unreachable = summary.unreachable > 0 ? `, ${summary.unreachable} of them unreachable` : "";
  return `✗ ${plan} is not ready: ${plural(summary.gaps, "gap")} in ${plural(summary.checks, "check")}${unreachable}\n`;
}

/** ARNs as the name at their end (the JSON output keeps them whole). */
function shortResource(resource: string): string {
  return resource.startsWith("arn:") ? (resource.split(/[:/]/).pop() ?? resource) : resource;
}
