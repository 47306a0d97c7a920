import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { StepTimeline } from "../../cli/step-timeline.js";
import { plainView, terminalView } from "../../cli/step-view.js";
import type { Style } from "../../cli/terminal-style.js";

const ARN = "arn:aws:states:ap-southeast-1:111122223333:execution:kirikae-prod-shop-failover:shop-failover-1";
const START = Date.parse("2026-11-01T00:00:00Z");
const STATE = { request: { plan: "shop" }, execution: { id: ARN } };
const plain: Style = { ok: (text) => text, bad: (text) => text, busy: (text) => text, dim: (text) => text };

/** A history as Step Functions writes it: ids in order, each event linked to the previous one of its branch. */
class History {
  readonly events: HistoryEvent[] = [];
  private readonly last = new Map<string, number>();

  add(seconds: number, type: string, state: string | undefined, details: Partial<HistoryEvent> = {}): this {
    const id = this.events.length + 1;
    const previousEventId = (state && this.last.get(state)) || id - 1;
    this.events.push({
      id,
      previousEventId,
      timestamp: new Date(START + seconds * 1000),
      type: type as HistoryEvent["type"],
      ...details,
    });
    if (state) this.last.set(state, id);
    return this;
  }

  enter(seconds: number, state: string, input: unknown = STATE): this {
    return this.add(seconds, "TaskStateEntered", state, {
      stateEnteredEventDetails: { name: state, input: JSON.stringify(input) },
    })
      .add(seconds, "LambdaFunctionScheduled", state)
      .add(seconds, "LambdaFunctionStarted", state);
  }

  succeed(seconds: number, state: string, output: unknown): this {
    return this.add(seconds, "LambdaFunctionSucceeded", state, {
      lambdaFunctionSucceededEventDetails: { output: JSON.stringify(output) },
    }).add(seconds, "TaskStateExited", state, { stateExitedEventDetails: { name: state } });
  }
}

describe("the step timeline of an execution history", () => {
  it("makes one step of a polling loop, from its first call until its result says done, across Parallel branches", () => {
    const history = new History()
      .add(0, "ExecutionStarted", undefined, { executionStartedEventDetails: { input: '{"plan":"shop"}' } })
      .enter(0, "Promote database")
      .enter(0, "Scale up nodegroups")
      .succeed(1, "Promote database", { status: "pending", pollAfterSeconds: 15 })
      .succeed(2, "Scale up nodegroups", { status: "pending", pollAfterSeconds: 30 })
      .enter(16, "Promote database")
      .succeed(17, "Promote database", { status: "done", mode: "switchover" });
    const timeline = new StepTimeline(ARN);

    const changes = timeline.apply(history.events);

    expect(changes.map((change) => [change.kind, "step" in change ? change.step.name : ""])).toEqual([
      ["started", "Promote database"],
      ["started", "Scale up nodegroups"],
      ["succeeded", "Promote database"],
    ]);
    expect(timeline.progress.steps).toMatchObject([
      { name: "Promote database", state: "succeeded", note: "switchover" },
      { name: "Scale up nodegroups", state: "waiting" },
    ]);
    expect(timeline.progress.inFlight).toEqual([]);
    expect(timeline.progress.input).toEqual({ plan: "shop" });
  });

  it("reports a failure to be retried, the retry, and what was still running when the execution was stopped", () => {
    const history = new History()
      .add(0, "ExecutionStarted", undefined)
      .enter(0, "Switch traffic")
      .add(1, "LambdaFunctionFailed", "Switch traffic", {
        lambdaFunctionFailedEventDetails: {
          error: "TransientAwsError",
          cause: JSON.stringify({ errorType: "TransientAwsError", errorMessage: "Route 53 throttled" }),
        },
      })
      .add(3, "LambdaFunctionScheduled", "Switch traffic")
      .add(9, "ExecutionAborted", undefined, {
        executionAbortedEventDetails: { error: "Cancelled", cause: "cancelled by someone" },
      });
    const timeline = new StepTimeline(ARN);

    const changes = timeline.apply(history.events);

    expect(changes).toContainEqual(
      expect.objectContaining({ kind: "failed", error: "TransientAwsError: Route 53 throttled" }),
    );
    expect(timeline.progress).toMatchObject({
      status: "ABORTED",
      error: "Cancelled",
      inFlight: [],
      inFlightAtEnd: ["Switch traffic"],
      lastState: { name: "Switch traffic", document: STATE },
    });
  });

  it("counts a Task waiting for its token as waiting, not running, once its function has returned", () => {
    const history = new History()
      .add(0, "ExecutionStarted", undefined)
      .add(0, "TaskStateEntered", "Await approval", {
        stateEnteredEventDetails: { name: "Await approval", input: JSON.stringify(STATE) },
      })
      .add(0, "TaskScheduled", "Await approval")
      .add(0, "TaskStarted", "Await approval")
      .add(1, "TaskSubmitted", "Await approval");
    const timeline = new StepTimeline(ARN);

    timeline.apply(history.events);

    expect(timeline.progress.inFlight).toEqual([]);
    expect(timeline.progress.steps).toMatchObject([{ name: "Await approval", state: "waiting" }]);
  });

  it("marks a pre-check that found the region not ready", () => {
    const history = new History()
      .add(0, "ExecutionStarted", undefined)
      .enter(0, "Pre-checks")
      .succeed(2, "Pre-checks", { ok: false, reason: "lag above RPO" });
    const timeline = new StepTimeline(ARN);

    timeline.apply(history.events);

    expect(timeline.progress.steps).toMatchObject([
      { name: "Pre-checks", state: "succeeded", negative: true },
    ]);
  });
});

describe("the step view", () => {
  const history = () =>
    new History()
      .add(0, "ExecutionStarted", undefined)
      .enter(0, "Promote database")
      .succeed(1, "Promote database", { status: "pending" })
      .enter(16, "Promote database")
      .succeed(46, "Promote database", { status: "done", mode: "switchover" });

  it("prints a line when a step starts and one when it ends, and nothing in between, when piped", () => {
    const timeline = new StepTimeline(ARN);
    let out = "";
    const view = plainView((text) => {
      out += text;
    }, plain);
    const events = history().events;

    view.update(timeline.apply(events.slice(0, 5)), timeline.progress, new Date(START + 10_000));
    view.tick(timeline.progress, new Date(START + 12_000));
    view.update(timeline.apply([]), timeline.progress, new Date(START + 14_000));
    view.update(timeline.apply(events.slice(5)), timeline.progress, new Date(START + 50_000));

    expect(out).toBe("  +00:00.0  ▸ Promote database\n  +00:46.0  ✓ Promote database (switchover)  46.0 s\n");
  });

  it("on a terminal, keeps finished lines and redraws the live line of a step under way in place", () => {
    const timeline = new StepTimeline(ARN);
    let out = "";
    const view = terminalView((text) => {
      out += text;
    }, plain);
    const events = history().events;

    view.update(timeline.apply(events.slice(0, 5)), timeline.progress, new Date(START + 10_000));
    view.tick(timeline.progress, new Date(START + 10_100));
    view.update(timeline.apply(events.slice(5)), timeline.progress, new Date(START + 50_000));
    view.close();

    expect(out).toBe(
      "  +00:00.0  ▸ Promote database\n" +
        "  ⠋ Promote database  waiting, 10.0 s\n" +
        "\u001b[1A\r\u001b[J  ⠙ Promote database  waiting, 10.1 s\n" +
        "\u001b[1A\r\u001b[J  +00:46.0  ✓ Promote database (switchover)  46.0 s\n",
    );
  });
});
