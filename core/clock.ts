/**
 * Time as the domain sees it. Domain code never reads the wall clock or sleeps on it directly, so the
 * same workflow runs in Lambda (system clock), in tests and in the sandbox (virtual clock), where a
 * five-minute promotion replays in milliseconds but is still reported as five minutes.
 */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function elapsedSeconds(from: Date | string, to: Date | string): number {
  return (new Date(to).getTime() - new Date(from).getTime()) / 1000;
}
