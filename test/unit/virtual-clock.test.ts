import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../sandbox/virtual-clock.js";

const start = "2026-01-01T00:00:00.000Z";
const elapsedMs = (clock: VirtualClock) => clock.now().getTime() - new Date(start).getTime();

describe("virtual clock", () => {
  it("lets concurrent waits overlap, as parallel branches do in AWS", async () => {
    const clock = new VirtualClock(start);

    await Promise.all([clock.sleep(10_000), clock.sleep(20_000)]);

    expect(elapsedMs(clock)).toBe(20_000);
  });

  it("passes a five-minute wait in far less than a second of real time", async () => {
    const clock = new VirtualClock(start);
    const realStart = performance.now();

    await clock.sleep(5 * 60_000);

    expect(elapsedMs(clock)).toBe(300_000);
    expect(performance.now() - realStart).toBeLessThan(1_000);
  });

  it("holds time still while an actor does real work, so I/O never counts as modelled time", async () => {
    const clock = new VirtualClock(start);
    const order: string[] = [];

    const sleeper = clock.sleep(1_000).then(() => order.push(`sleeper woke at ${elapsedMs(clock)}`));
    const worker = clock.busy(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push(`worker finished at ${elapsedMs(clock)}`);
    });
    await Promise.all([sleeper, worker]);

    expect(order).toEqual(["worker finished at 0", "sleeper woke at 1000"]);
  });

  it("wakes an aborted sleep at once and never moves time to its deadline", async () => {
    const clock = new VirtualClock(start);
    const stop = new AbortController();

    const timeout = clock.sleep(30 * 60_000, stop.signal);
    await clock.sleep(1_000);
    stop.abort();
    await timeout;
    await clock.sleep(0);

    expect(elapsedMs(clock)).toBe(1_000);
  });

  it("releases a busy actor while it sleeps, so its own waits can pass", async () => {
    const clock = new VirtualClock(start);

    const took = await clock.busy(async () => {
      await clock.sleep(7_000);
      return elapsedMs(clock);
    });

    expect(took).toBe(7_000);
  });

  it("wakes sleepers in time order, and equal times in the order they slept", async () => {
    const clock = new VirtualClock(start);
    const woke: string[] = [];

    await Promise.all([
      clock.sleep(300).then(() => woke.push("c")),
      clock.sleep(100).then(() => woke.push("a")),
      clock.sleep(100).then(() => woke.push("b")),
    ]);

    expect(woke).toEqual(["a", "b", "c"]);
  });
});
