import { type Block, blockSchema } from "../blocks/block-schemas.js";
import { legacyBlocks, primaryViews } from "../blocks/plan-blocks.js";
import type { Plan } from "./schema.js";

type Loose = Record<string, unknown>;

const object = (value: unknown): Loose =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Loose) : {};
const array = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string => (typeof value === "string" ? value : "");
const count = (value: unknown): number => (typeof value === "number" ? value : Number.NaN);

/**
 * A best-effort view of a document that failed the schema, shaped enough for the cross-field rules to
 * run, so a person sees every problem of a broken plan at once rather than one round at a time. Missing
 * or mistyped parts become empty; the schema has already reported them.
 */
export function lenientPlanView(document: unknown): Plan {
  return withPrimaryViews(legacyParts(document), object(document));
}

function legacyParts(document: unknown): Omit<Plan, "recovery"> {
  const root = object(document);
  const database = object(root.database);
  const dns = object(root.dns);
  const compute = object(root.compute);
  const timeouts = object(root.timeouts);
  return {
    name: text(root.name),
    regions: array(root.regions).map(text),
    activeRegion: text(root.activeRegion),
    database: {
      globalClusterIdentifier: text(database.globalClusterIdentifier),
      members: Object.fromEntries(
        Object.entries(object(database.members)).map(([region, arn]) => [region, text(arn)]),
      ),
      dataLoss: "never",
    },
    dns: {
      hostedZoneId: text(dns.hostedZoneId),
      routing: dns.routing === "weighted" ? "weighted" : "failover",
      activeWeight: 100,
      records: array(dns.records).map((entry) => {
        const record = object(entry);
        return {
          name: text(record.name),
          // Only a type the schema accepted is checked against its values (an A record's must be IPs).
          type: record.type === "A" || record.type === "AAAA" ? record.type : ("CNAME" as const),
          ttlSeconds: 60,
          targets: Object.fromEntries(
            Object.entries(object(record.targets)).map(([region, value]) => {
              const target = object(value);
              const healthCheckId =
                typeof target.healthCheckId === "string" ? { healthCheckId: target.healthCheckId } : {};
              // An alias stands for its DNS name, as in a parsed plan; its own fields the schema checked.
              const alias = Object.keys(object(target.alias)).length > 0;
              const aliasTarget = object(target.alias);
              return [
                region,
                {
                  value: alias ? text(aliasTarget.dnsName) : text(target.value),
                  setIdentifier: text(target.setIdentifier),
                  ...healthCheckId,
                  ...(alias
                    ? {
                        alias: {
                          hostedZoneId: text(aliasTarget.hostedZoneId),
                          dnsName: text(aliasTarget.dnsName),
                          evaluateTargetHealth: aliasTarget.evaluateTargetHealth === true,
                        },
                      }
                    : {}),
                },
              ];
            }),
          ),
        };
      }),
    },
    compute: {
      clusters: array(compute.clusters).map((entry) => {
        const cluster = object(entry);
        return {
          region: text(cluster.region),
          name: text(cluster.name),
          nodegroups: array(cluster.nodegroups).map((value) => {
            const nodegroup = object(value);
            return {
              name: text(nodegroup.name),
              activeSize: count(nodegroup.activeSize),
              standbySize: count(nodegroup.standbySize),
              maxSize: count(nodegroup.maxSize),
            };
          }),
          workloads: [],
        };
      }),
      trafficAtCapacity: 1,
    },
    triggers: {
      alarms: [],
      mode: "automatic",
      holdSeconds: 60,
      prepareDuringHold: false,
      cooldownMinutes: 30,
    },
    objectives: { rtoMinutes: 1, rpoMinutes: 0 },
    timeouts: { stepSeconds: 600, rollbackAfterMinutes: count(timeouts.rollbackAfterMinutes) || 30 },
  };
}

/**
 * A plan of blocks keeps the blocks that parse (the schema reported the others); an old plan's parts
 * become its blocks, custom steps included, so the block rules (duplicate names) still run.
 */
function withPrimaryViews(parts: Omit<Plan, "recovery">, root: Loose): Plan {
  const written = object(root.recovery);
  if (root.recovery !== undefined) {
    const blocks = array(written.blocks).flatMap((value) => {
      const parsed = blockSchema.safeParse(value);
      return parsed.success ? [parsed.data] : [];
    });
    return { ...parts, ...primaryViewsOr(blocks, parts), recovery: { blocks, form: "blocks" } };
  }
  const customSteps = array(root.customSteps).map((value) => {
    const step = object(value);
    return { name: text(step.name), functionArn: "", runAfter: "promotion" as const, timeoutSeconds: 60 };
  });
  return {
    ...parts,
    recovery: { blocks: legacyBlocks({ ...parts, customSteps }), form: "legacy" },
  };
}

/** Views of whichever blocks parsed, falling back to empty parts where none of a kind did. */
function primaryViewsOr(blocks: Block[], parts: Omit<Plan, "recovery">) {
  const views = primaryViews(blocks);
  return {
    database: views.database ?? parts.database,
    dns: views.dns ?? parts.dns,
    compute: views.compute,
  };
}
