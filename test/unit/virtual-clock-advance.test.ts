import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../sandbox/virtual-clock.js";

const start = "2026-01-01T00:00:00.000Z";
const t0 = new Date(start).getTime();

describe("virtual clock: listening to time moving", () => {
  it("tells a listener each move, with now already moved and before the timers due then wake", async () => {
    const clock = new VirtualClock(start);
    const seen: string[] = [];
    clock.onAdvance((fromMs, toMs) =>
      seen.push(`${fromMs - t0}->${toMs - t0} at ${clock.now().getTime() - t0}`),
    );

    clock.advance(250);
    await clock.sleep(1_500).then(() => seen.push("sleeper woke"));

    expect(seen).toEqual(["0->250 at 250", "250->1750 at 1750", "sleeper woke"]);
  });

  it("stops on every multiple of everyMs during a long jump, so lazily computed state can be read at each", async () => {
    const clock = new VirtualClock(start);
    const stops: number[] = [];
    clock.onAdvance((_fromMs, toMs) => stops.push(toMs - t0), { everyMs: 1_000 });

    clock.advance(500);
    await clock.sleep(3_000);

    expect(stops).toEqual([500, 1_000, 2_000, 3_000, 3_500]);
    expect(clock.now().getTime() - t0).toBe(3_500);
  });

  it("forgets a listener once it is removed", () => {
    const clock = new VirtualClock(start);
    let calls = 0;
    const remove = clock.onAdvance(() => calls++, { everyMs: 1_000 });

    clock.advance(2_000);
    remove();
    clock.advance(5_000);

    expect(calls).toBe(2);
    expect(clock.now().getTime() - t0).toBe(7_000);
  });
});
