import { CloudWatchAlarms } from "../adapters/aws/cloudwatch-alarms.js";
import { probeClients } from "../adapters/aws/probe-clients.js";
import { confirmSignal } from "../core/failover/confirm-signal.js";
import { productionTaskDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type TaskDeps } from "./runtime/task-deps.js";
import { taskHandler } from "./runtime/task-handler.js";

/**
 * "Confirm signal": the hold and the flap check of an alarm-started failover. The alarms are read with
 * probe clients, because the region an alarm lives in may be the one that is down.
 */
export const createConfirmSignalHandler = (deps: DepsSource<TaskDeps>) =>
  taskHandler("confirm-signal", deps, (context, _event, resolved) =>
    confirmSignal(context, {
      alarms: new CloudWatchAlarms(probeClients(resolved.clients)),
      state: resolved.state,
      notifier: resolved.notifier,
    }),
  );

export const handler = createConfirmSignalHandler(memoize(productionTaskDeps));
