import type { SFNClient } from "@aws-sdk/client-sfn";
import type { Clock } from "../core/clock.js";
import { ExecutionHistory } from "./execution-history.js";
import { type ExecutionProgress, StepTimeline } from "./step-timeline.js";
import type { ProgressView } from "./step-view.js";

export interface FollowOptions {
  sfn: SFNClient;
  executionArn: string;
  clock: Clock;
  /** Between two reads of the history. */
  pollMs: number;
  view?: ProgressView;
  /** Stop following once this holds (say, the run was accepted); the execution goes on. */
  until?(progress: ExecutionProgress): boolean;
  /** Stop following after this long; the execution goes on. */
  timeoutMs?: number;
}

export interface Followed {
  progress: ExecutionProgress;
  /** Why following stopped: the execution ended, `until` held, or the time ran out. */
  stopped: "ended" | "until" | "timeout";
}

/**
 * Follows an execution through its history until it ends (or `until` holds, or time runs out), showing
 * each change on `view`. Only reads: following never changes a run, so stopping it (Ctrl-C) is safe.
 */
export async function followExecution(options: FollowOptions): Promise<Followed> {
  const { clock, view } = options;
  const timeline = new StepTimeline(options.executionArn);
  const history = new ExecutionHistory(options.sfn, options.executionArn);
  const began = clock.now().getTime();
  for (;;) {
    const changes = timeline.apply(await history.next());
    const { progress } = timeline;
    view?.update(changes, progress, clock.now());
    const stopped =
      progress.status !== "RUNNING"
        ? "ended"
        : options.until?.(progress)
          ? "until"
          : options.timeoutMs !== undefined && clock.now().getTime() - began >= options.timeoutMs
            ? "timeout"
            : undefined;
    if (stopped) {
      view?.close();
      return { progress, stopped };
    }
    await pause(options, progress);
  }
}

/** Waits a poll interval; on a terminal, redraws the spinner meanwhile. */
async function pause(options: FollowOptions, progress: ExecutionProgress): Promise<void> {
  const { clock, view, pollMs } = options;
  const tick = view?.tickMs;
  if (!view || tick === undefined) {
    await clock.sleep(pollMs);
    return;
  }
  for (let waited = 0; waited < pollMs; waited += tick) {
    await clock.sleep(Math.min(tick, pollMs - waited));
    view.tick(progress, clock.now());
  }
}
