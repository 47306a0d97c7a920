import { EcsServices } from "../adapters/aws/ecs-services.js";
import type { CapacityProgress } from "../core/recovery/scale-capacity.js";
import { scaleEcsService } from "../core/recovery/scale-ecs-service.js";
import { blockTaskHandler } from "./runtime/block-task.js";
import { productionStepDeps } from "./runtime/production-deps.js";
import { type DepsSource, memoize, type StepDeps } from "./runtime/task-deps.js";

export const createScaleEcsServiceHandler = (deps: DepsSource<StepDeps>) =>
  blockTaskHandler("scale-ecs-service", "ecs-service", deps, (context, previous, resolved) =>
    scaleEcsService(context, new EcsServices(resolved.clients), previous as CapacityProgress | undefined),
  );

export const handler = createScaleEcsServiceHandler(memoize(productionStepDeps));
