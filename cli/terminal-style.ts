import type { CliIo } from "./cli-io.js";
import { envOf } from "./cli-io.js";

/** Colours for a terminal; plain text everywhere else. */
export interface Style {
  ok(text: string): string;
  bad(text: string): string;
  busy(text: string): string;
  dim(text: string): string;
}

const paint = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const plain = (text: string) => text;

/**
 * Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org): piped
 * output and logs must stay free of escape codes.
 */
export function styleFor(io: CliIo): Style {
  const colour = io.terminal?.stdoutIsTTY === true && !envOf(io).NO_COLOR;
  return colour
    ? { ok: paint(32), bad: paint(31), busy: paint(33), dim: paint(2) }
    : { ok: plain, bad: plain, busy: plain, dim: plain };
}
