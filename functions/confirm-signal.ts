import { CloudWatchAlarmStates } from "../adapters/aws/cloudwatch-alarm-states.js";
import { probeClients } from "../adapters/aws/probe-clients.js";
import { confirmSignal } from "../core/failover/confirm-signal.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { productionNotifier } from "./runtime/production-notifier.js";
import { type DepsSource, memoize, type StepDepsWith } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";

/**
 * "Confirm signal": the hold and the flap check of an alarm-started failover. The alarms are read with
 * probe clients, because the region an alarm lives in may be the one that is down.
 */
export const createConfirmSignalHandler = (deps: DepsSource<StepDepsWith<"notifier">>) =>
  taskHandler("confirm-signal", deps, (context, _event, resolved) =>
    confirmSignal(context, {
      alarms: new CloudWatchAlarmStates(probeClients(resolved.clients)),
      state: resolved.state,
      notifier: resolved.notifier,
    }),
  );

export const handler = createConfirmSignalHandler(
  memoize(async () => ({ ...(await productionStepDeps()), notifier: productionNotifier() })),
);
