import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../core/plan/schema.js";
import { allFunctions } from "../../infra/function-catalog.js";
import { functionLogGroupName } from "../../infra/names.js";
import { deployedPlans } from "./support/deployed-plans.js";
import { FUNCTION, METRIC_ALARM, type MockDeploy, mockDeploy, STAGE } from "./support/mock-deploy.js";

const METRIC_FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
let deploy: MockDeploy;
let plans: Plan[];

beforeAll(async () => {
  const { shop } = await deployedPlans();
  plans = [shop];
  deploy = await mockDeploy(plans);
});

describe("a step that cannot write its audit record", () => {
  it("is counted from every function's log in every control-plane region", () => {
    const regions = [...new Set(deploy.ofType(FUNCTION).map((fn) => fn.region))].sort();
    const filters = deploy.ofType(METRIC_FILTER);

    for (const region of regions) {
      const here = filters.filter((filter) => filter.region === region);
      expect(here.map((filter) => filter.inputs.logGroupName).sort()).toEqual(
        allFunctions(plans)
          .map((spec) => functionLogGroupName(STAGE, spec.key))
          .sort(),
      );
      for (const filter of here) {
        expect(filter.inputs.pattern).toBe('"AuditWriteError"');
        expect(filter.inputs.metricTransformation).toMatchObject({
          namespace: `Kirikae/${STAGE}`,
          name: "AuditWriteErrors",
          value: "1",
        });
      }
    }
  });

  it("pages the on-call topic at the first one, in each region", () => {
    const alarms = deploy
      .ofType(METRIC_ALARM)
      .filter((alarm) => alarm.inputs.name === `kirikae-${STAGE}-audit-write-errors`);

    expect(alarms.map((alarm) => alarm.region).sort()).toEqual(
      [...new Set(deploy.ofType(FUNCTION).map((fn) => fn.region))].sort(),
    );
    for (const alarm of alarms) {
      expect(alarm.inputs).toMatchObject({
        namespace: `Kirikae/${STAGE}`,
        metricName: "AuditWriteErrors",
        statistic: "Sum",
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
      expect(alarm.inputs.alarmActions).toEqual([expect.stringContaining(":sns:")]);
    }
  });
});
