import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
}
const policy = JSON.parse(readFileSync(join(root, "docs/deployer-policy.json"), "utf8")) as {
  Version: string;
  Statement: Statement[];
};
const actions = policy.Statement.flatMap((statement) => statement.Action);
const resources = policy.Statement.flatMap((statement) => [statement.Resource].flat());

/** Pulumi namespaces whose resources IAM authorises under another service prefix. */
const IAM_PREFIX: Record<string, string[]> = {
  cloudwatch: ["cloudwatch"],
  sfn: ["states"],
};
/** Pulumi classes in the cloudwatch namespace that belong to EventBridge and CloudWatch Logs. */
const CLASS_PREFIX: Record<string, string> = {
  EventRule: "events",
  EventTarget: "events",
  EventBus: "events",
  LogGroup: "logs",
  LogMetricFilter: "logs",
  LogSubscriptionFilter: "logs",
};

/** The IAM service prefixes of every AWS resource type infra/ creates, each with one type. */
function servicesInfraCreates(): Map<string, string> {
  const services = new Map<string, string>();
  for (const file of readdirSync(join(root, "infra")).filter((name) => name.endsWith(".ts"))) {
    const source = readFileSync(join(root, "infra", file), "utf8");
    for (const [, namespace = "", type = ""] of source.matchAll(/new aws\.([a-z0-9]+)\.([A-Za-z0-9]+)\(/g)) {
      const prefixes = CLASS_PREFIX[type] ? [CLASS_PREFIX[type]] : (IAM_PREFIX[namespace] ?? [namespace]);
      for (const prefix of prefixes) services.set(prefix, `aws.${namespace}.${type} in infra/${file}`);
    }
  }
  return services;
}

describe("the deployer's IAM policy (docs/deployer-policy.json)", () => {
  it("covers every AWS service infra/ creates resources with", () => {
    const services = servicesInfraCreates();

    const uncovered = [...services].filter(
      ([prefix]) => !actions.some((action) => action.startsWith(`${prefix}:`)),
    );

    expect(services.size).toBeGreaterThan(5);
    expect(uncovered.map(([prefix, where]) => `${prefix} (${where})`)).toEqual([]);
  });

  it("grants no service wholesale, and passes roles only to the services that run them", () => {
    const passRole = policy.Statement.find((statement) => statement.Action.includes("iam:PassRole"));

    expect(policy.Version).toBe("2012-10-17");
    expect(actions.filter((action) => action === "*" || action.endsWith(":*"))).toEqual([]);
    expect(
      policy.Statement.every((statement) => statement.Effect === "Allow" && statement.Sid.length > 0),
    ).toBe(true);
    expect(passRole?.Resource).toEqual(["arn:aws:iam::*:role/kirikae-*"]);
    expect(JSON.stringify(passRole)).toContain("iam:PassedToService");
  });

  it("names the example plan's own resources, as the README says", () => {
    const plan = JSON.parse(readFileSync(join(root, "examples/tokyo-singapore.plan.json"), "utf8")) as {
      dns: { hostedZoneId: string; gates: { bucket: string } };
      compute: { clusters: { region: string; name: string }[] };
    };

    expect(resources).toContain(`arn:aws:route53:::hostedzone/${plan.dns.hostedZoneId}`);
    expect(resources).toContain(`arn:aws:s3:::${plan.dns.gates.bucket}`);
    for (const cluster of plan.compute.clusters) {
      expect(resources).toContain(`arn:aws:eks:${cluster.region}:*:cluster/${cluster.name}`);
    }
  });
});
