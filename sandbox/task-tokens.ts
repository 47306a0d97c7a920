import { randomUUID } from "node:crypto";

/** How a paused Task was answered: resumed with an output, or failed with an error. */
export type TokenAnswer = { output: unknown } | { error: string; cause: string };

/**
 * Step Functions' task tokens in the sandbox: the local runner issues one when a Task pauses and waits
 * on it; SendTaskSuccess / SendTaskFailure on the sandbox's Step Functions answer it. A token can be
 * answered once, and not after its Task stopped waiting (AWS answers TaskTimedOut then).
 */
export class TaskTokens {
  private readonly waiting = new Map<string, (answer: TokenAnswer) => void>();
  private readonly closed = new Set<string>();

  issue(): string {
    return `sandbox-token-${randomUUID()}`;
  }

  /** Resolves with the answer; `signal` ends the wait (a timeout) and closes the token. */
  wait(token: string, signal: AbortSignal): Promise<TokenAnswer | undefined> {
    return new Promise((resolve) => {
      this.waiting.set(token, resolve);
      signal.addEventListener(
        "abort",
        () => {
          if (!this.waiting.delete(token)) return;
          this.closed.add(token);
          resolve(undefined);
        },
        { once: true },
      );
    });
  }

  /** "answered", or why not: the token is unknown, or its Task no longer waits. */
  answer(token: string, answer: TokenAnswer): "answered" | "unknown" | "closed" {
    const resolve = this.waiting.get(token);
    if (!resolve) return this.closed.has(token) ? "closed" : "unknown";
    this.waiting.delete(token);
    this.closed.add(token);
    resolve(answer);
    return "answered";
  }
}
