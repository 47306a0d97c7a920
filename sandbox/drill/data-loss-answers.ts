import { answerAsOnCall } from "./on-call.js";
import type { ScenarioContext } from "./scenarios.js";

/**
 * What the drill's on-call engineer says when a failover asks to lose more than the RPO allows:
 * "approve" (the default: the drill shows the whole way through), "reject", or "ignore" (no answer, so
 * the question times out at the rollback trigger).
 */
export type DataLossAnswerPolicy = "approve" | "reject" | "ignore";

/** How long the on-call engineer takes to weigh the stated loss before answering. */
const DATA_LOSS_REVIEW_MS = 3 * 60_000;
/** How often the on-call engineer looks for the page while the failover runs. */
const PAGE_CHECK_MS = 30_000;

/**
 * Under `dataLoss: "approval-above-rpo"`, the on-call engineer watches the failover the detector started
 * and, if it pauses on the data-loss question, answers it as `kirikae approve` does, under their own IAM
 * identity. The approval-mode question ("Await approval") is sandbox/drill/on-call.ts's; this one answers
 * only the data-loss question, and stops watching once no execution runs.
 */
export async function answerDataLossQuestion(
  context: ScenarioContext,
  policy: DataLossAnswerPolicy,
): Promise<void> {
  const { built, plan, controlPlane } = context;
  const clock = built.estate.clock;
  const running = () => built.models.sfn.all().some((execution) => execution.status === "RUNNING");
  while (running()) {
    const pending = (await clock.busy(() => controlPlane.state.get(plan.name))).pendingApproval;
    if (pending?.question === "data-loss") {
      if (policy === "ignore") {
        context.note("oncall-engineer does not answer the data-loss question");
        return;
      }
      await clock.sleep(DATA_LOSS_REVIEW_MS);
      const approve = policy === "approve";
      const reason = approve
        ? "drill: accepting the recorded lag"
        : "drill: the loss is too high; restore the old primary instead";
      context.note(
        `oncall-engineer ${approve ? "accepts" : "refuses"} the data loss: kirikae approve --plan ${plan.name}${approve ? "" : " --reject"} --reason "${reason}"`,
      );
      await answerAsOnCall(context, { approve, reason });
      return;
    }
    await clock.sleep(PAGE_CHECK_MS);
  }
}
