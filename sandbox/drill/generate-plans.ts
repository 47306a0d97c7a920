import { readFile } from "node:fs/promises";
import { KirikaeError } from "../../core/errors.js";
import type { Plan } from "../../core/plan/schema.js";
import { validatePlan } from "../../core/plan/validate-plan.js";

/** The plan a fleet is cloned from unless another is named: the quick start's. */
export const DEFAULT_FLEET_TEMPLATE = "examples/tokyo-singapore.plan.json";

export class FleetTemplateError extends KirikaeError {
  constructor(message: string, action: string) {
    super(message, { action });
    this.name = "FleetTemplateError";
  }
}

/** One generated plan: the document as a plan file would hold it, and the plan it validates to. */
export interface GeneratedPlan {
  document: Record<string, unknown>;
  plan: Plan;
}

/** Fields whose values name an AWS resource of the plan's own, so each copy needs its own. */
const NAMED_FIELDS = new Set([
  "name",
  "globalClusterIdentifier",
  "hostedZoneId",
  "healthCheckId",
  "setIdentifier",
  "bucket",
  "value",
  "service",
]);

/**
 * `count` copies of a plan document, each an application of its own in the same account: the same
 * regions, active region and objectives, with every resource it names (plan, global cluster and its
 * member clusters, hosted zone, records, health checks, gates' bucket, EKS clusters and nodegroups,
 * alarms) renamed with the copy's number, so no two plans share a resource. Each copy is validated as a
 * plan file is; a template whose copies do not validate is refused, naming the first problems.
 */
export function generatePlans(
  template: unknown,
  count: number,
  options: GenerateOptions = {},
): GeneratedPlan[] {
  const templateLabel = options.label ?? "the template";
  if (template === null || typeof template !== "object" || Array.isArray(template)) {
    throw new FleetTemplateError(
      `${templateLabel} is not a plan document`,
      "name a JSON plan file as the template",
    );
  }
  if (!(Number.isInteger(count) && count >= 1 && count <= 999)) {
    throw new FleetTemplateError(`cannot generate ${count} plans`, "ask for between 1 and 999 plans");
  }
  const baseName = String((template as { name?: unknown }).name ?? "plan");
  const width = Math.max(2, String(count + (options.startAt ?? 1) - 1).length);
  return Array.from({ length: count }, (_, index) => {
    const position = index + (options.startAt ?? 1);
    const number = String(position).padStart(width, "0");
    const moved = options.regions ? relocated(template, options.regions) : template;
    const document = renamed(moved, { baseName, number, index: position }) as Record<string, unknown>;
    delete document.$schema;
    const validation = validatePlan(document);
    if (!validation.ok) {
      const problems = validation.issues
        .slice(0, 3)
        .map((issue) => `${issue.path}: ${issue.message}`)
        .join("; ");
      throw new FleetTemplateError(
        `copy ${number} of ${templateLabel} is not a valid plan (${problems})`,
        "use a plan whose resources are named by the fields a legacy-shaped plan has (database, dns, compute, triggers), such as examples/tokyo-singapore.plan.json",
      );
    }
    return { document, plan: validation.plan };
  });
}

export interface GenerateOptions {
  /** How the template is named in errors (its file). */
  label?: string;
  /** The first copy's number (default 1), so a second batch does not reuse the first's names. */
  startAt?: number;
  /**
   * Moves the copies to other regions (template region → region), everywhere the document names them:
   * a plan active elsewhere, to stand beside the ones an outage reaches.
   */
  regions?: Record<string, string>;
}

/** Reads a JSON plan document and generates `count` plans from it. */
export async function generatePlansFromFile(
  file = DEFAULT_FLEET_TEMPLATE,
  count = 20,
): Promise<GeneratedPlan[]> {
  if (!file.endsWith(".json")) {
    throw new FleetTemplateError(`${file} is not a JSON plan file`, "name a .json plan file as the template");
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new FleetTemplateError(
      `cannot read ${file}: ${(error as Error).message}`,
      "name a readable plan file",
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new FleetTemplateError(`${file} is not JSON: ${(error as Error).message}`, "fix the file's JSON");
  }
  return generatePlans(document, count, { label: file });
}

/** The document with every mention of a region (keys, values, inside ARNs and DNS names) moved. */
function relocated(template: unknown, regions: Record<string, string>): unknown {
  let text = JSON.stringify(template);
  const placeholders = Object.keys(regions).map(
    (from, index) => [from, `@@kirikae-region-${index}@@`] as const,
  );
  // Through placeholders, so a swap (a → b, b → a) does not move a region twice.
  for (const [from, placeholder] of placeholders) text = text.replaceAll(from, placeholder);
  for (const [from, placeholder] of placeholders) text = text.replaceAll(placeholder, regions[from] ?? from);
  return JSON.parse(text);
}

interface Copy {
  baseName: string;
  number: string;
  index: number;
}

function renamed(node: unknown, copy: Copy, key?: string): unknown {
  if (Array.isArray(node)) return node.map((item) => renamed(item, copy));
  if (node !== null && typeof node === "object") {
    return Object.fromEntries(
      Object.entries(node as Record<string, unknown>).map(([field, value]) => [
        field,
        renamed(value, copy, field),
      ]),
    );
  }
  if (typeof node !== "string") return node;
  if (node.startsWith("arn:aws:")) return renamedArn(node, copy);
  if (key === undefined || !NAMED_FIELDS.has(key)) return node;
  if (key === "healthCheckId") return `${node.slice(0, -4)}${copy.index.toString(16).padStart(4, "0")}`;
  if (key === "hostedZoneId") return `${node}${copy.number}`;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(node)) return node;
  if (node.includes(".")) {
    // A DNS name: the copy's number goes into its first label, so it stays in the same domain.
    const [first, ...rest] = node.split(".");
    return [renamedIdentifier(first ?? "", copy), ...rest].join(".");
  }
  return renamedIdentifier(node, copy);
}

/** `shop` → `shop-07`, `shop-tokyo` → `shop-07-tokyo`, `web` → `web-07`. */
function renamedIdentifier(identifier: string, copy: Copy): string {
  if (identifier === copy.baseName) return `${identifier}-${copy.number}`;
  if (identifier.startsWith(`${copy.baseName}-`)) {
    return `${copy.baseName}-${copy.number}${identifier.slice(copy.baseName.length)}`;
  }
  return `${identifier}-${copy.number}`;
}

/** An ARN keeps its partition, service, region and account; its resource name is the copy's. */
function renamedArn(arn: string, copy: Copy): string {
  const cut = Math.max(arn.lastIndexOf(":"), arn.lastIndexOf("/"));
  return `${arn.slice(0, cut + 1)}${renamedIdentifier(arn.slice(cut + 1), copy)}`;
}
