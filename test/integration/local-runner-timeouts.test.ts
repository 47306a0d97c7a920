import { DescribeExecutionCommand, ListExecutionsCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { describe, expect, it } from "vitest";
import { buildEstate } from "../../sandbox/build-estate.js";
import { type LocalFunction, LocalWorkflowRunner } from "../../sandbox/local-workflow-runner.js";
import { sandboxClients } from "../../sandbox/sandbox-clients.js";
import type { VirtualClock } from "../../sandbox/virtual-clock.js";
import { type AslDefinition, type AslState, catchAll, TRANSIENT_RETRY } from "../../stepfunctions/asl.js";
import { testPlan } from "../support/plan-fixtures.js";

const region = "ap-southeast-1";
const machineArn = `arn:aws:states:${region}:111122223333:stateMachine:timeouts`;
const arnOf = (name: string) => `arn:aws:lambda:${region}:111122223333:function:kirikae-${name}`;

/** A Task as kirikae's definitions build it: its own timeout, transient retries, and any extras. */
function taskState(name: string, next: string, extra: AslState = {}): AslState {
  return {
    Type: "Task",
    Resource: arnOf(name),
    ResultPath: `$.${name}`,
    TimeoutSeconds: 120,
    Retry: [TRANSIENT_RETRY],
    Next: next,
    ...extra,
  };
}

/** One step that may hang, then a recovery step that reports the error the workflow caught. */
function hangThenRecover(hang: AslState): AslDefinition {
  return {
    Comment: "a step that may hang, caught as kirikae's steps are",
    StartAt: "Hang",
    States: {
      Hang: taskState("hang", "Done", { Catch: [catchAll("Recover")], ...hang }),
      Recover: taskState("recover", "Done"),
      Done: { Type: "Succeed" },
    },
  };
}

/** A handler that takes `seconds` of modelled time, and says when it finally returned. */
function slowHandler(clock: VirtualClock, seconds: number) {
  let finished: (at: Date) => void = () => undefined;
  const returned = new Promise<Date>((resolve) => {
    finished = resolve;
  });
  const handler = async () => {
    await clock.sleep(seconds * 1000);
    finished(clock.now());
    return { late: true };
  };
  return { handler, returned };
}

const fast = async (event: unknown) => ({ sawFailure: (event as { failure?: unknown }).failure });

type Built = ReturnType<typeof buildEstate>;

async function runOnce(built: Built, definition: AslDefinition, functions: Record<string, LocalFunction>) {
  const { clock } = built.estate;
  built.models.sfn.register(
    machineArn,
    new LocalWorkflowRunner(
      definition,
      new Map(Object.entries(functions).map(([name, fn]) => [arnOf(name), fn])),
      clock,
      built.estate.random,
      built.models.sfn.tokens,
    ),
  );
  const sfn = sandboxClients(built.estate, region, "arn:aws:iam::111122223333:user/oncall").sfn;
  const started = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: machineArn, name: "drill", input: "{}" }),
  );
  await built.models.sfn.settled();
  const [execution] = built.models.sfn.all();
  if (!execution) throw new Error("no execution started");
  const secondsIn = (at: Date) => (at.getTime() - execution.startDate.getTime()) / 1000;
  const steps = () =>
    execution.steps.map((step) => [step.state, step.phase, secondsIn(step.at), step.error?.split(":")[0]]);
  return { built, clock, sfn, execution, executionArn: started.executionArn ?? "", secondsIn, steps };
}

describe("local runner: a Task that outlives its TimeoutSeconds", () => {
  it("fails with States.Timeout at exactly TimeoutSeconds of modelled time and takes the Catch path", async () => {
    const built = buildEstate([testPlan()]);
    const hang = slowHandler(built.estate.clock, 300);

    const run = await runOnce(built, hangThenRecover({ TimeoutSeconds: 30 }), {
      hang: { handler: hang.handler, timeoutSeconds: 900 },
      recover: { handler: fast, timeoutSeconds: 60 },
    });

    expect(run.steps()).toEqual([
      ["Hang", "started", 0, undefined],
      ["Hang", "failed", 30, "States.Timeout"],
      ["Recover", "started", 30, undefined],
      ["Recover", "succeeded", 30, undefined],
    ]);
    expect(run.execution.status).toBe("SUCCEEDED");
    expect(run.execution.output).toMatchObject({
      recover: { sawFailure: { Error: "States.Timeout" } },
    });
    expect(run.execution.output).not.toHaveProperty("hang");
  });

  it("drops what the hung handler returns later, as AWS discards a function's result after its Task timed out", async () => {
    const built = buildEstate([testPlan()]);
    const hang = slowHandler(built.estate.clock, 300);
    const run = await runOnce(built, hangThenRecover({ TimeoutSeconds: 30 }), {
      hang: { handler: hang.handler, timeoutSeconds: 900 },
      recover: { handler: fast, timeoutSeconds: 60 },
    });
    const recorded = structuredClone({ steps: run.steps(), output: run.execution.output });

    // The hung handler is left running in the background (AWS cannot stop a Lambda function either).
    const returnedAt = await Promise.race([
      hang.returned,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2_000)),
    ]);

    expect(returnedAt).toBeDefined();
    expect({ steps: run.steps(), output: run.execution.output }).toEqual(recorded);
    expect(run.execution.status).toBe("SUCCEEDED");
  });

  it("retries a States.Timeout when the state's Retry names it, after the retrier's own pause", async () => {
    const built = buildEstate([testPlan()]);
    const { clock } = built.estate;
    let calls = 0;
    const hangOnce = async () => {
      calls += 1;
      if (calls === 1) await clock.sleep(300_000);
      return { attempt: calls };
    };

    const run = await runOnce(
      built,
      hangThenRecover({
        TimeoutSeconds: 30,
        Retry: [{ ErrorEquals: ["States.Timeout"], IntervalSeconds: 5, MaxAttempts: 1, BackoffRate: 1 }],
      }),
      { hang: { handler: hangOnce, timeoutSeconds: 900 }, recover: { handler: fast, timeoutSeconds: 60 } },
    );

    expect(run.steps()).toEqual([
      ["Hang", "started", 0, undefined],
      ["Hang", "failed", 30, "States.Timeout"],
      ["Hang", "started", 35, undefined],
      ["Hang", "succeeded", 35, undefined],
    ]);
    expect(run.execution.output).toMatchObject({ hang: { attempt: 2 } });
  });
});

describe("local runner: a Lambda function that outlives its own timeout", () => {
  it("fails as Lambda.Unknown when the function's timeout is shorter than the Task's, and the first to fire wins", async () => {
    const built = buildEstate([testPlan()]);
    const hang = slowHandler(built.estate.clock, 300);

    const run = await runOnce(built, hangThenRecover({ TimeoutSeconds: 120 }), {
      hang: { handler: hang.handler, timeoutSeconds: 110 },
      recover: { handler: fast, timeoutSeconds: 60 },
    });

    expect(run.steps().slice(0, 2)).toEqual([
      ["Hang", "started", 0, undefined],
      ["Hang", "failed", 110, "Lambda.Unknown"],
    ]);
    expect(run.execution.output).toMatchObject({
      recover: { sawFailure: { Error: "Lambda.Unknown", Cause: "Task timed out after 110.00 seconds" } },
    });
  });

  it("tells the handler how much of its timeout is left, on the virtual clock", async () => {
    const built = buildEstate([testPlan()]);
    const { clock } = built.estate;
    const remaining: number[] = [];
    const watchful = async (_event: unknown, context: { getRemainingTimeInMillis(): number }) => {
      remaining.push(context.getRemainingTimeInMillis());
      await clock.sleep(40_000);
      remaining.push(context.getRemainingTimeInMillis());
      return {};
    };

    await runOnce(built, hangThenRecover({}), {
      hang: { handler: watchful, timeoutSeconds: 110 },
      recover: { handler: fast, timeoutSeconds: 60 },
    });

    expect(remaining).toEqual([110_000, 70_000]);
  });
});

describe("local runner: an execution that outlives its TimeoutSeconds", () => {
  /** A polling step that never reports done: 30 s of work, then a 10 s Wait, forever. */
  function neverDone(timeoutSeconds: number): AslDefinition {
    return {
      Comment: "a poll that never ends",
      StartAt: "Poll",
      TimeoutSeconds: timeoutSeconds,
      States: {
        Poll: taskState("poll", "Poll done?"),
        "Poll done?": {
          Type: "Choice",
          Choices: [{ Variable: "$.poll.status", StringEquals: "done", Next: "Done" }],
          Default: "Wait for poll",
        },
        "Wait for poll": { Type: "Wait", SecondsPath: "$.poll.pollAfterSeconds", Next: "Poll" },
        Done: { Type: "Succeed" },
      },
    };
  }

  it("ends TIMED_OUT with States.Timeout at exactly TimeoutSeconds, as DescribeExecution reports it", async () => {
    const built = buildEstate([testPlan()]);
    const { clock } = built.estate;
    const poll = async () => {
      await clock.sleep(30_000);
      return { status: "pending", pollAfterSeconds: 10 };
    };

    const run = await runOnce(built, neverDone(60), { poll: { handler: poll, timeoutSeconds: 110 } });
    const described = await run.sfn.send(new DescribeExecutionCommand({ executionArn: run.executionArn }));
    const listed = await run.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: "TIMED_OUT" }),
    );

    expect(described.status).toBe("TIMED_OUT");
    expect(described.error).toBe("States.Timeout");
    expect(run.secondsIn(described.stopDate ?? new Date(0))).toBe(60);
    expect(listed.executions?.map((execution) => execution.executionArn)).toEqual([run.executionArn]);
  });

  it("runs nothing more after it timed out, even when the step in flight returns later", async () => {
    const built = buildEstate([testPlan()]);
    const { clock } = built.estate;
    let returned: () => void = () => undefined;
    const lastReturn = new Promise<void>((resolve) => {
      returned = resolve;
    });
    let calls = 0;
    const poll = async () => {
      calls += 1;
      await clock.sleep(30_000);
      if (calls === 2) returned();
      return { status: "pending", pollAfterSeconds: 10 };
    };

    const run = await runOnce(built, neverDone(60), { poll: { handler: poll, timeoutSeconds: 110 } });
    await lastReturn;

    expect(run.steps()).toEqual([
      ["Poll", "started", 0, undefined],
      ["Poll", "succeeded", 30, undefined],
      ["Poll", "started", 40, undefined],
    ]);
    expect(calls).toBe(2);
  });
});

describe("local runner: timers of a run that ended", () => {
  it("leave the clock where the work ended, not at any Task's or the execution's timeout", async () => {
    const built = buildEstate([testPlan()]);
    const run = await runOnce(
      built,
      { ...hangThenRecover({ TimeoutSeconds: 120 }), TimeoutSeconds: 3600 },
      {
        hang: { handler: async () => ({}), timeoutSeconds: 110 },
        recover: { handler: fast, timeoutSeconds: 60 },
      },
    );

    // Give a timer left behind the chance to move the clock: it would, once no actor is busy.
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(run.execution.status).toBe("SUCCEEDED");
    expect(run.secondsIn(run.clock.now())).toBe(0);
  });

  it("refuses a definition whose Retry or Catch relies on States.TaskFailed excluding States.Timeout", () => {
    const built = buildEstate([testPlan()]);
    const definition = hangThenRecover({
      Catch: [{ ErrorEquals: ["States.TaskFailed"], Next: "Recover" }],
    });
    const functions = new Map<string, LocalFunction>([
      [arnOf("hang"), { handler: fast, timeoutSeconds: 60 }],
      [arnOf("recover"), { handler: fast, timeoutSeconds: 60 }],
    ]);

    expect(
      () =>
        new LocalWorkflowRunner(
          definition,
          functions,
          built.estate.clock,
          built.estate.random,
          built.models.sfn.tokens,
        ),
    ).toThrow(/States.TaskFailed/);
  });
});
