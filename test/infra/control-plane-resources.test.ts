import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../core/plan/schema.js";
import { validatePlan } from "../../core/plan/validate-plan.js";
import { loadConfig, stateMachineArns } from "../../functions/runtime/config.js";
import { allFunctions } from "../../infra/function-catalog.js";
import type { PolicyDocument } from "../../infra/grants.js";
import { PLANS_FILE_IN_PACKAGE } from "../../infra/names.js";
import { tableDefinitions } from "../../infra/table-definitions.js";
import { topologyOf } from "../../infra/topology.js";
import { TASK_TIMEOUT_SECONDS } from "../../stepfunctions/asl.js";
import {
  deployedPlans,
  IRELAND,
  OREGON,
  SHOP_HEALTH_CHECK,
  SINGAPORE,
  TOKYO,
  VIRGINIA,
} from "./support/deployed-plans.js";
import {
  EVENT_INVOKE_CONFIG,
  EVENT_RULE,
  EVENT_TARGET,
  FUNCTION,
  METRIC_ALARM,
  type MockDeploy,
  mockDeploy,
  PERMISSION,
  QUEUE,
  ROLE_POLICY,
  STAGE,
  STATE_MACHINE,
  TABLE,
} from "./support/mock-deploy.js";

let deploy: MockDeploy;
let plans: { shop: Plan; payments: Plan };
const CONTROL_PLANE_REGIONS = [TOKYO, SINGAPORE, OREGON, IRELAND];

beforeAll(async () => {
  plans = await deployedPlans();
  deploy = await mockDeploy([plans.shop, plans.payments]);
});

const functionsIn = (region: string) => deploy.ofType(FUNCTION).filter((fn) => fn.region === region);
const variablesOf = (fn: { inputs: Record<string, unknown> }) =>
  (fn.inputs.environment as { variables: Record<string, string> }).variables;

describe("the control plane's regions", () => {
  it("runs every function in every region of every plan, named as the CLI looks them up", () => {
    const topology = topologyOf([plans.shop, plans.payments]);

    for (const region of CONTROL_PLANE_REGIONS) {
      // The workflow's functions, and those of the kinds of block the region's plans use.
      const expected = allFunctions(topology.plansIn(region))
        .map((spec) => `kirikae-${STAGE}-${spec.key}`)
        .sort();
      expect(
        functionsIn(region)
          .map((fn) => fn.inputs.name)
          .sort(),
        region,
      ).toEqual(expected);
    }
  });

  it("puts nothing but alarm forwarding in a region that only holds alarms (us-east-1 here)", () => {
    // Route 53's health checks and records are global, made through its API in us-east-1 at deploy time;
    // they are the gates' data plane, not a control plane there.
    const types = new Set(
      deploy.resources
        .filter((resource) => resource.region === VIRGINIA && !resource.type.startsWith("aws:route53/"))
        .map((r) => r.type),
    );

    expect([...types].sort()).toEqual([EVENT_RULE, EVENT_TARGET, METRIC_ALARM].sort());
    expect(functionsIn(VIRGINIA)).toEqual([]);
  });

  it("deploys a failover and a failback state machine for each plan of a region, named after the plan", () => {
    const served: Record<string, string> = {
      [TOKYO]: "shop",
      [SINGAPORE]: "shop",
      [OREGON]: "payments-api",
      [IRELAND]: "payments-api",
    };
    for (const region of CONTROL_PLANE_REGIONS) {
      const names = deploy
        .ofType(STATE_MACHINE)
        .filter((machine) => machine.region === region)
        .map((machine) => machine.inputs.name)
        .sort();
      const plan = served[region];
      expect(names, region).toEqual([
        `kirikae-${STAGE}-${plan}-failback`,
        `kirikae-${STAGE}-${plan}-failover`,
      ]);
    }
  });

  it("makes the state machines Standard workflows that log every event with its data and are traced", () => {
    for (const machine of deploy.ofType(STATE_MACHINE)) {
      expect(machine.inputs.type).toBe("STANDARD");
      expect(machine.inputs.tracingConfiguration).toEqual({ enabled: true });
      expect(machine.inputs.loggingConfiguration).toEqual({
        level: "ALL",
        includeExecutionData: true,
        logDestination: `arn:aws:logs:${machine.region}:111122223333:log-group:/aws/vendedlogs/states/${machine.inputs.name}:*`,
      });
    }
  });
});

describe("tables", () => {
  it("keeps plan state in one global table replicated to every control-plane region, each with point-in-time recovery and deletion protection", () => {
    const state = deploy.one(TABLE, (table) => table.inputs.name === `kirikae-${STAGE}-state`);

    expect(state.region).toBe(TOKYO);
    expect(state.inputs.pointInTimeRecovery).toEqual({ enabled: true });
    expect(state.inputs.deletionProtectionEnabled).toBe(true);
    expect(state.inputs.streamEnabled).toBe(true);
    expect(state.inputs.replicas).toEqual(
      [SINGAPORE, OREGON, IRELAND].map((regionName) => ({
        regionName,
        pointInTimeRecovery: true,
        deletionProtectionEnabled: true,
        propagateTags: true,
      })),
    );
  });

  it("keeps a regional, unreplicated audit table in each control-plane region, with point-in-time recovery and deletion protection", () => {
    const audits = deploy.ofType(TABLE).filter((table) => table.inputs.name === `kirikae-${STAGE}-audit`);

    expect(audits.map((table) => table.region).sort()).toEqual([...CONTROL_PLANE_REGIONS].sort());
    for (const audit of audits) {
      expect(audit.inputs.replicas ?? []).toEqual([]);
      expect(audit.inputs.pointInTimeRecovery).toEqual({ enabled: true });
      expect(audit.inputs.deletionProtectionEnabled).toBe(true);
    }
  });

  it("gives the tables the keys and indexes of the definitions the local DynamoDB is built from", () => {
    for (const definition of tableDefinitions) {
      const table = deploy
        .ofType(TABLE)
        .find((candidate) => candidate.inputs.name === `kirikae-${STAGE}-${definition.logicalName}`);
      expect(table?.inputs).toMatchObject({
        billingMode: "PAY_PER_REQUEST",
        hashKey: definition.hashKey,
        attributes: definition.attributes,
        globalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
          ...index,
          projectionType: "ALL",
        })),
      });
      expect(table?.inputs.rangeKey).toBe(definition.rangeKey);
    }
  });
});

describe("functions", () => {
  it("gives every function the environment its config module requires, naming this region's resources", () => {
    for (const fn of deploy.ofType(FUNCTION)) {
      const variables = variablesOf(fn);
      const config = loadConfig({
        ...variables,
        AWS_REGION: fn.region,
        AWS_LAMBDA_FUNCTION_NAME: String(fn.inputs.name),
      });

      expect(config).toMatchObject({
        auditTable: `kirikae-${STAGE}-audit`,
        stateTable: `kirikae-${STAGE}-state`,
        topicArn: `arn:aws:sns:${fn.region}:111122223333:kirikae-${STAGE}-notifications`,
        plansFile: `/var/task/${PLANS_FILE_IN_PACKAGE}`,
        stage: STAGE,
      });
    }
  });

  it("gives the detector what names each of its region's plans' state machines, exactly as deployed", () => {
    for (const region of CONTROL_PLANE_REGIONS) {
      const detector = deploy.one(
        FUNCTION,
        (fn) => fn.region === region && fn.inputs.name === `kirikae-${STAGE}-detectAlarm`,
      );
      const arnOf = stateMachineArns(
        loadConfig({ ...variablesOf(detector), AWS_REGION: region, AWS_LAMBDA_FUNCTION_NAME: "detector" }),
      );
      const machines = deploy.ofType(STATE_MACHINE).filter((machine) => machine.region === region);

      expect(machines.length, region).toBeGreaterThan(0);
      for (const machine of machines) {
        const [, plan = "", kind] =
          /^kirikae-test-(.+)-(failover|failback)$/.exec(String(machine.inputs.name)) ?? [];
        expect(arnOf(kind === "failback" ? "failback" : "failover", plan), String(machine.inputs.name)).toBe(
          machine.arn,
        );
      }
    }
  });

  it("tells only the evidence linker where its region's detector dead-letter queue is, so it can drain it", () => {
    const withQueue = deploy
      .ofType(FUNCTION)
      .filter((fn) => variablesOf(fn).KIRIKAE_DETECTOR_FAILURE_QUEUE_URL);

    expect(withQueue.map((fn) => fn.inputs.name)).toEqual(
      CONTROL_PLANE_REGIONS.map(() => `kirikae-${STAGE}-linkEvidence`),
    );
    for (const fn of withQueue) {
      const queue = deploy.ofType("aws:sqs/queue:Queue").find((candidate) => candidate.region === fn.region);
      expect(variablesOf(fn).KIRIKAE_DETECTOR_FAILURE_QUEUE_URL).toBe(
        `https://sqs.${fn.region}.amazonaws.com/111122223333/${String(queue?.inputs.name)}`,
      );
    }
  });

  it("packages with each function the plans its region serves, as one JSON array of valid plans", () => {
    const servedBy = (region: string) =>
      functionsIn(region).map((fn) => {
        const plansJson = fn.packageFiles?.[PLANS_FILE_IN_PACKAGE] ?? "[]";
        const documents = JSON.parse(plansJson) as unknown[];
        return documents.map((document) => {
          const result = validatePlan(document);
          return result.ok ? result.plan.name : "invalid";
        });
      });

    for (const names of servedBy(TOKYO)) expect(names).toEqual(["shop"]);
    for (const names of servedBy(SINGAPORE)) expect(names).toEqual(["shop"]);
    for (const names of servedBy(OREGON)) expect(names).toEqual(["payments-api"]);
  });

  it("ships each function its own handler's bundle, bundling each handler once for all regions", () => {
    const handlers = allFunctions([plans.shop, plans.payments]).map((spec) => spec.handler);

    expect([...deploy.bundled].sort()).toEqual([...handlers].sort());
    for (const fn of deploy.ofType(FUNCTION)) {
      const key = String(fn.inputs.name).replace(`kirikae-${STAGE}-`, "");
      const spec = allFunctions().find((candidate) => candidate.key === key);
      expect(fn.packageFiles?.["index.mjs"]).toBe(`// bundle of ${spec?.handler}`);
      expect(fn.inputs).toMatchObject({ handler: "index.handler", runtime: "nodejs22.x" });
    }
  });

  it("lets a workflow step fail on its own timeout before its Task state times out", () => {
    for (const fn of functionsIn(SINGAPORE)) {
      const key = String(fn.inputs.name).replace(`kirikae-${STAGE}-`, "");
      if (allFunctions().find((spec) => spec.key === key)?.trigger.kind !== "workflow-task") continue;
      expect(fn.inputs.timeout, key).toBeLessThan(TASK_TIMEOUT_SECONDS);
    }
  });

  it("gives the detector a minute, whatever the plans' holds: it waits for nothing, the workflow holds", () => {
    const detector = (region: string) =>
      deploy.one(FUNCTION, (fn) => fn.region === region && fn.inputs.name === `kirikae-${STAGE}-detectAlarm`);

    expect(plans.payments.triggers.holdSeconds).toBeGreaterThan(60);
    for (const region of CONTROL_PLANE_REGIONS) expect(detector(region).inputs.timeout, region).toBe(60);
  });

  it("keeps an alarm event the detector failed on: two retries, then its dead-letter queue, which only the detector may write and only the linker may drain", () => {
    for (const region of CONTROL_PLANE_REGIONS) {
      const queue = deploy.one(QUEUE, (candidate) => candidate.region === region);
      const config = deploy.one(EVENT_INVOKE_CONFIG, (candidate) => candidate.region === region);
      const detector = deploy.one(
        FUNCTION,
        (fn) => fn.region === region && fn.inputs.name === `kirikae-${STAGE}-detectAlarm`,
      );

      expect(queue.inputs).toMatchObject({
        name: `kirikae-${STAGE}-detector-failures`,
        sqsManagedSseEnabled: true,
      });
      expect(config.inputs).toEqual({
        functionName: detector.inputs.name,
        maximumRetryAttempts: 2,
        destinationConfig: { onFailure: { destination: queue.arn } },
      });
      const rolesAllowed = (action: string) =>
        deploy
          .ofType(ROLE_POLICY)
          .filter((policy) =>
            (JSON.parse(String(policy.inputs.policy)) as PolicyDocument).Statement.some(
              (statement) => statement.Action.includes(action) && statement.Resource.includes(queue.arn),
            ),
          )
          .map((policy) => policy.inputs.role);
      expect(rolesAllowed("sqs:SendMessage")).toEqual([`kirikae-${STAGE}-detectAlarm-${region}`]);
      // The evidence linker drains it into the audit trail; nobody else reads or deletes its messages.
      expect(rolesAllowed("sqs:ReceiveMessage")).toEqual([`kirikae-${STAGE}-linkEvidence-${region}`]);
      expect(rolesAllowed("sqs:DeleteMessage")).toEqual([`kirikae-${STAGE}-linkEvidence-${region}`]);
    }
  });

  it("tells the on-call topic when the hourly digest writer or the evidence linker fails a run", () => {
    for (const region of CONTROL_PLANE_REGIONS) {
      const topic = `arn:aws:sns:${region}:111122223333:kirikae-${STAGE}-notifications`;
      for (const key of ["writeDigests", "linkEvidence"]) {
        const alarm = deploy.one(
          METRIC_ALARM,
          (candidate) =>
            candidate.region === region && candidate.inputs.name === `kirikae-${STAGE}-${key}-errors`,
        );

        expect(alarm.inputs, `${key} in ${region}`).toMatchObject({
          namespace: "AWS/Lambda",
          metricName: "Errors",
          dimensions: { FunctionName: `kirikae-${STAGE}-${key}` },
          statistic: "Sum",
          comparisonOperator: "GreaterThanThreshold",
          threshold: 0,
          treatMissingData: "notBreaching",
          alarmActions: [topic],
        });
      }
    }
  });

  it("tells the on-call topic when the detector fails, and when an alarm event was given up on", () => {
    for (const region of CONTROL_PLANE_REGIONS) {
      const topic = `arn:aws:sns:${region}:111122223333:kirikae-${STAGE}-notifications`;
      const alarm = (name: string) =>
        deploy.one(
          METRIC_ALARM,
          (candidate) => candidate.region === region && candidate.inputs.name === name,
        );

      expect(alarm(`kirikae-${STAGE}-detector-errors`).inputs).toMatchObject({
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: `kirikae-${STAGE}-detectAlarm` },
        statistic: "Sum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        alarmActions: [topic],
      });
      expect(alarm(`kirikae-${STAGE}-detector-dead-letters`).inputs).toMatchObject({
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: `kirikae-${STAGE}-detector-failures` },
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        alarmActions: [topic],
      });
    }
  });
});

describe("schedules and alarms", () => {
  it("runs the evidence linker every 15 minutes, the readiness check every 30, the fencing every 5 and the digest writer every 60, in every region", () => {
    for (const region of CONTROL_PLANE_REGIONS) {
      const schedules = deploy
        .ofType(EVENT_RULE)
        .filter((rule) => rule.region === region && rule.inputs.scheduleExpression)
        .map((rule) => {
          const target = deploy.one(
            EVENT_TARGET,
            (candidate) => candidate.region === region && candidate.inputs.rule === rule.inputs.name,
          );
          const permitted = deploy
            .ofType(PERMISSION)
            .some(
              (permission) =>
                permission.inputs.sourceArn === rule.arn &&
                permission.inputs.principal === "events.amazonaws.com",
            );
          return { expression: rule.inputs.scheduleExpression, target: target.inputs.arn, permitted };
        });

      expect(schedules, region).toEqual([
        {
          expression: "rate(15 minutes)",
          target: `arn:aws:lambda:${region}:111122223333:function:kirikae-${STAGE}-linkEvidence`,
          permitted: true,
        },
        {
          expression: "rate(30 minutes)",
          target: `arn:aws:lambda:${region}:111122223333:function:kirikae-${STAGE}-checkReadiness`,
          permitted: true,
        },
        {
          expression: "rate(5 minutes)",
          target: `arn:aws:lambda:${region}:111122223333:function:kirikae-${STAGE}-fenceReturnedRegions`,
          permitted: true,
        },
        {
          expression: "rate(60 minutes)",
          target: `arn:aws:lambda:${region}:111122223333:function:kirikae-${STAGE}-writeDigests`,
          permitted: true,
        },
      ]);
    }
  });

  it("alarms on each plan's readiness gaps in each of its regions, notifying that region's topic, and treats silence as a gap", () => {
    const readiness = deploy
      .ofType(METRIC_ALARM)
      .filter((alarm) => String(alarm.inputs.name).endsWith("-readiness"));

    expect(readiness.map((alarm) => `${alarm.region} ${alarm.inputs.name}`).sort()).toEqual(
      [
        `${TOKYO} kirikae-${STAGE}-shop-readiness`,
        `${SINGAPORE} kirikae-${STAGE}-shop-readiness`,
        `${OREGON} kirikae-${STAGE}-payments-api-readiness`,
        `${IRELAND} kirikae-${STAGE}-payments-api-readiness`,
      ].sort(),
    );
    for (const alarm of readiness) {
      const topic = `arn:aws:sns:${alarm.region}:111122223333:kirikae-${STAGE}-notifications`;
      expect(alarm.inputs).toMatchObject({
        namespace: "Kirikae",
        metricName: "ReadinessGaps",
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "breaching",
        alarmActions: [topic],
        okActions: [topic],
      });
    }
  });

  it("creates the trigger alarms a plan asks for, in their own region, and no others", () => {
    const triggers = deploy
      .ofType(METRIC_ALARM)
      .filter(
        (alarm) =>
          !/-(readiness|detector-errors|detector-dead-letters|audit-write-errors|writeDigests-errors|linkEvidence-errors)$/.test(
            String(alarm.inputs.name),
          ),
      );

    expect(triggers.map((alarm) => [alarm.region, alarm.inputs.name])).toEqual([
      ["ap-southeast-1", "shop-tokyo-canary-from-singapore"],
      [VIRGINIA, "shop-tokyo-health-check"],
    ]);
    // The example's first alarm: a high-resolution canary from the standby region, 3 x 10 s.
    expect(triggers[0]?.inputs).toMatchObject({
      namespace: "Shop/Canary",
      metricName: "TokyoCheckoutSucceeded",
      period: 10,
      evaluationPeriods: 3,
      treatMissingData: "missing",
    });
    expect(triggers[1]?.inputs).toMatchObject({
      namespace: "AWS/Route53",
      metricName: "HealthCheckStatus",
      dimensions: { HealthCheckId: SHOP_HEALTH_CHECK },
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      evaluationPeriods: 2,
      treatMissingData: "missing",
    });
  });
});
