import { type Clock, systemClock } from "../core/clock.js";
import { type CliAws, realCliAws } from "./cli-aws.js";

/** Where a command writes, and how it reports its exit status: injected, so tests run commands in-process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  setExitCode(code: number): void;
  /** AWS for the operational commands; absent means the real AWS with the machine's credentials. */
  aws?: CliAws;
  /** Time for commands that wait (`--wait`); tests pass the sandbox's virtual clock. */
  clock?: Clock;
}

export function clockOf(io: CliIo): Clock {
  return io.clock ?? systemClock;
}

export function awsOf(io: CliIo): CliAws {
  return io.aws ?? realCliAws();
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};
