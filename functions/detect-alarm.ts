import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { z } from "zod";
import { StepFunctionsStarter } from "../adapters/aws/step-functions-starter.js";
import { type Decision, decideOnAlarm } from "../core/failover/decide-on-alarm.js";
import type { WorkflowStarterPort } from "../core/ports/workflows.js";
import { alarmStateChangeEventSchema } from "./runtime/alarm-event.js";
import { loadConfig, stateMachineArns } from "./runtime/config.js";
import { logger } from "./runtime/logger.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type StepDeps } from "./runtime/task-deps.js";

export type DetectorHandlerDeps = StepDeps & { workflows: WorkflowStarterPort };

export type DetectorResult = Decision | { decision: "rejected"; reason: string };

/**
 * Entry point for alarm state changes. A malformed event is rejected, logged and audited, and nothing
 * else happens; it is not thrown, because Lambda would only deliver the same bad event again. Any other
 * failure is thrown (after the decision audited it): Lambda then retries the event, which names the same
 * execution, and after its retries sends it to the detector's dead-letter queue.
 */
export const createDetectAlarmHandler = (deps: DepsSource<DetectorHandlerDeps>) =>
  middy<unknown, DetectorResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const resolved = await deps();
      const parsed = alarmStateChangeEventSchema.safeParse(event);
      if (!parsed.success) {
        const reason = `not a CloudWatch Alarm State Change event: ${z.prettifyError(parsed.error)}`;
        logger.error("rejected a malformed event", { reason });
        await resolved.audit.append({
          plan: "-",
          executionId: "-",
          kind: "decision",
          action: "event.rejected",
          actor: resolved.actor,
          at: resolved.clock.now().toISOString(),
          outcome: "ignored",
          details: { reason, event: truncate(JSON.stringify(event) ?? "undefined") },
        });
        return { decision: "rejected", reason };
      }
      const { detail, region } = parsed.data;
      const decision = await decideOnAlarm(resolved, {
        alarmName: detail.alarmName,
        region,
        state: detail.state.value,
        time: detail.state.timestamp,
      });
      logger.info("alarm decision", { ...decision });
      return decision;
    });

/** Keeps a hostile or huge event from bloating the audit record. */
function truncate(text: string, max = 2_000): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

async function productionDetectorDeps(): Promise<DetectorHandlerDeps> {
  const base = await productionStepDeps();
  const config = loadConfig(process.env);
  return {
    ...base,
    // Each plan has its own failover machine: the decision names the plan whose alarm fired.
    workflows: new StepFunctionsStarter(base.clients, config.region, stateMachineArns(config)),
  };
}

export const handler = createDetectAlarmHandler(memoize(productionDetectorDeps));
