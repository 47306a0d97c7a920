import { recordDecision } from "../audit/audited-action.js";
import type { BlockOf } from "../blocks/block-schemas.js";
import type { HttpProbePort } from "../ports/http-probe.js";
import { settled } from "../workflow/polling.js";
import { HttpProbeFailed } from "./block-errors.js";
import type { BlockProgress, BlockStepContext } from "./block-step.js";

const PROBE_POLL_SECONDS = 10;
const PROBE_TIMEOUT_MS = 5_000;

export interface HttpProbeProgress extends BlockProgress {
  attempts?: number;
  lastStatus?: number;
  lastBody?: string;
}

/**
 * The seeds' "expected result" of a step, read as users would read it: GET the block's URL through DNS
 * as the zone answers it, and expect its status and, when given, text in its body.
 *   1. matches: done, recorded with what was seen
 *   2. does not: try again every 10 s until the block's timeout, then fail with the last answer, which
 *      escalates the run (nothing is undone: a probe changes nothing)
 */
export async function probeHttp(
  context: BlockStepContext<BlockOf<"http-probe">>,
  probe: HttpProbePort,
  previous: HttpProbeProgress | undefined,
): Promise<HttpProbeProgress> {
  const { block } = context;
  const startedAt = previous?.startedAt ?? context.clock.now().toISOString();
  const attempts = (previous?.attempts ?? 0) + 1;
  const answer = await probe.get(block.url, PROBE_TIMEOUT_MS);
  const body = answer.body.slice(0, 200);
  const statusMatches = answer.status === block.expectedStatus;
  const bodyMatches = block.expectedBody === undefined || answer.body.includes(block.expectedBody);
  if (statusMatches && bodyMatches) {
    await recordDecision(context, {
      action: "probe.matched",
      resource: block.url,
      details: { block: block.id, status: answer.status, body, attempts },
    });
    return settled<HttpProbeProgress>({
      status: "done",
      startedAt,
      completedAt: context.clock.now().toISOString(),
      attempts,
      lastStatus: answer.status,
      lastBody: body,
    });
  }
  const elapsedSeconds = (context.clock.now().getTime() - new Date(startedAt).getTime()) / 1000;
  if (elapsedSeconds >= block.timeoutSeconds) {
    const wanted = `status ${block.expectedStatus}${block.expectedBody === undefined ? "" : ` and a body containing "${block.expectedBody}"`}`;
    throw new HttpProbeFailed(
      block.id,
      `${block.url} answered ${answer.status} "${body}" after ${attempts} tries over ${block.timeoutSeconds} s; expected ${wanted}`,
      {
        resource: block.url,
      },
    );
  }
  return {
    status: "pending",
    startedAt,
    attempts,
    lastStatus: answer.status,
    lastBody: body,
    pollAfterSeconds: PROBE_POLL_SECONDS,
  };
}
