import { stepSpans } from "../core/report/step-spans.js";
import type { CliIo } from "./cli-io.js";
import { clockStamp, duration } from "./drill-output.js";
import type { ExecutionProgress, StepChange, StepProgress } from "./step-timeline.js";
import { type Style, styleFor } from "./terminal-style.js";

type Write = (text: string) => void;

/** How a followed run is shown while it runs. */
export interface ProgressView {
  /** On a terminal, how often to redraw between polls (the spinner); absent: nothing between polls. */
  readonly tickMs?: number;
  update(changes: readonly StepChange[], progress: ExecutionProgress, now: Date): void;
  tick(progress: ExecutionProgress, now: Date): void;
  /** Takes the live lines away, leaving only what is final. */
  close(): void;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const SPINNER_MS = 100;

/** Seconds since the execution started: the drill's "+mm:ss.s" stamp. */
function since(progress: ExecutionProgress, at: Date): number {
  return progress.startedAt ? Math.max(0, (at.getTime() - progress.startedAt.getTime()) / 1000) : 0;
}

/**
 * The drill's line for what changed (cli/drill-output.ts prints the same for a drill): a step starts,
 * ends with its duration, or fails (to be retried or escalated). The execution's end has no line here:
 * the command says how it ended.
 */
export function stepLine(change: StepChange, progress: ExecutionProgress, style: Style): string | undefined {
  if (change.kind === "ended") return undefined;
  const stamp = style.dim(`  ${clockStamp(since(progress, change.at))}`);
  const { step } = change;
  switch (change.kind) {
    case "started":
      return `${stamp}  ${style.busy("▸")} ${step.name}`;
    case "failed":
      return `${stamp}  ${style.bad("!")} ${step.name}: ${change.error}`;
    case "succeeded": {
      const mark = step.negative ? style.bad("✗") : style.ok("✓");
      const note = step.note ? ` (${step.note})` : "";
      return `${stamp}  ${mark} ${step.name}${note}  ${duration(spanSeconds(progress, step, change.at))}`;
    }
  }
}

/**
 * How long a finished step took, measured as the drill and the incident report measure it
 * (core/report/step-spans.ts), from the marks up to the moment it finished.
 */
function spanSeconds(progress: ExecutionProgress, step: StepProgress, until: Date): number {
  const marks = progress.marks.filter(
    (mark) =>
      mark.step === step.name && mark.at >= step.startedAt.toISOString() && mark.at <= until.toISOString(),
  );
  return stepSpans(marks)[0]?.seconds ?? tookSeconds(step, until);
}

function tookSeconds(step: StepProgress, until: Date): number {
  return Math.max(0, (until.getTime() - step.startedAt.getTime()) / 1000);
}

/** Piped output: a line only when something changed, never "still running" over and over. */
export function plainView(write: Write, style: Style): ProgressView {
  return {
    update: (changes, progress) => {
      for (const change of changes) {
        const line = stepLine(change, progress, style);
        if (line) write(`${line}\n`);
      }
    },
    tick: () => undefined,
    close: () => undefined,
  };
}

/**
 * A terminal: the finished lines stay, and under them one live line per step still under way, with a
 * spinner and how long it has taken, redrawn in place.
 */
export function terminalView(write: Write, style: Style): ProgressView {
  let liveLines = 0;
  const erase = () => {
    // Up to the first live line, to its start, and clear everything below.
    if (liveLines > 0) write(`\u001b[${liveLines}A\r\u001b[J`);
    liveLines = 0;
  };
  const draw = (progress: ExecutionProgress, now: Date) => {
    const frame = SPINNER[Math.floor(now.getTime() / SPINNER_MS) % SPINNER.length] ?? "·";
    const live = progress.status === "RUNNING" ? progress.steps.filter(underWay) : [];
    for (const step of live) {
      write(
        `  ${style.busy(frame)} ${step.name}  ${style.dim(`${step.state}, ${duration(tookSeconds(step, now))}`)}\n`,
      );
    }
    liveLines = live.length;
  };
  return {
    tickMs: SPINNER_MS,
    update: (changes, progress, now) => {
      erase();
      for (const change of changes) {
        const line = stepLine(change, progress, style);
        if (line) write(`${line}\n`);
      }
      draw(progress, now);
    },
    tick: (progress, now) => {
      erase();
      draw(progress, now);
    },
    close: erase,
  };
}

function underWay(step: StepProgress): boolean {
  return step.state === "running" || step.state === "waiting" || step.state === "retrying";
}

/** The view for where the output goes: redrawn on a terminal, plain lines when piped. */
export function progressView(io: CliIo): ProgressView {
  const style = styleFor(io);
  return io.terminal?.stdoutIsTTY ? terminalView(io.out, style) : plainView(io.out, style);
}
