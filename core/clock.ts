/**
 * Time as the domain sees it. Domain code never reads the wall clock or sleeps on it directly, so the
 * same workflow runs in Lambda (system clock), in tests and in the sandbox (virtual clock), where a
 * five-minute promotion replays in milliseconds but is still reported as five minutes.
 */
export interface Clock {
  now(): Date;
  /** An aborted sleep resolves at once and leaves no timer behind to hold a process or a clock. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    }),
};

export function elapsedSeconds(from: Date | string, to: Date | string): number {
  return (new Date(to).getTime() - new Date(from).getTime()) / 1000;
}
