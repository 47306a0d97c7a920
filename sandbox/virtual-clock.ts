import { AsyncLocalStorage } from "node:async_hooks";
import type { Clock } from "../core/clock.js";

interface Timer {
  at: number;
  seq: number;
  wake: () => void;
}

/** Told each time now moves forward: now is already `toMs`, and the timers due then have not fired yet. */
export type AdvanceListener = (fromMs: number, toMs: number) => void;

interface AdvanceSubscription {
  listener: AdvanceListener;
  everyMs: number | undefined;
}

/**
 * A discrete-event clock. Virtual time jumps to the next timer only when no actor is busy with real
 * work (a handler talking to the local DynamoDB, say), so concurrent branches overlap in modelled time
 * exactly as they would on AWS, and real I/O latency never leaks into modelled durations.
 *
 * Actors mark their real work with `busy(fn)`; a `sleep` inside such a scope releases the actor for the
 * duration of the sleep, because a sleeping actor is waiting on virtual time, not on real work.
 */
export class VirtualClock implements Clock {
  private nowMs: number;
  private readonly timers: Timer[] = [];
  private seq = 0;
  private busyActors = 0;
  private advanceScheduled = false;
  private readonly scope = new AsyncLocalStorage<true>();
  private readonly advanceListeners: AdvanceSubscription[] = [];

  constructor(start: Date | string = "2026-01-01T00:00:00.000Z") {
    this.nowMs = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.nowMs);
  }

  /** Moves time forward by hand; for tests that drive the estate without any sleeping actor. */
  advance(ms: number): void {
    this.moveTo(this.nowMs + ms);
    this.fireDueTimers();
  }

  /**
   * Calls `listener(fromMs, toMs)` each time now moves forward. With `everyMs`, a longer move stops on
   * every multiple of it on the way: no actor runs at those stops, but models that compute their state
   * lazily from now (an Aurora promotion completing between two timers) can be observed at each of them.
   * Returns the function that removes the listener.
   */
  onAdvance(listener: AdvanceListener, options: { everyMs?: number } = {}): () => void {
    const subscription: AdvanceSubscription = { listener, everyMs: options.everyMs };
    this.advanceListeners.push(subscription);
    return () => {
      const index = this.advanceListeners.indexOf(subscription);
      if (index >= 0) this.advanceListeners.splice(index, 1);
    };
  }

  /**
   * Sleeps in virtual time. An aborted sleep wakes at once and leaves no timer behind, so a wait that
   * ended another way (a task token answered before its timeout) does not drag the clock forward later.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const inBusyScope = this.scope.getStore() === true;
    const wakeAt = this.nowMs + Math.max(0, ms);
    return new Promise<void>((resolve) => {
      if (inBusyScope) this.busyActors--;
      const timer: Timer = {
        at: wakeAt,
        seq: this.seq++,
        wake: () => {
          if (inBusyScope) this.busyActors++;
          resolve();
        },
      };
      this.timers.push(timer);
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      signal?.addEventListener(
        "abort",
        () => {
          const index = this.timers.indexOf(timer);
          if (index < 0) return;
          this.timers.splice(index, 1);
          timer.wake();
        },
        { once: true },
      );
      this.scheduleAdvance();
    });
  }

  /** Runs real work; virtual time stands still until it finishes or sleeps. */
  async busy<T>(work: () => Promise<T>): Promise<T> {
    this.busyActors++;
    try {
      return await this.scope.run(true, work);
    } finally {
      this.busyActors--;
      this.scheduleAdvance();
    }
  }

  private scheduleAdvance(): void {
    if (this.advanceScheduled) return;
    this.advanceScheduled = true;
    void this.advanceWhenQuiet();
  }

  private async advanceWhenQuiet(): Promise<void> {
    // A few macrotask turns let promise chains (state transitions between tasks) settle and start
    // their next piece of real work before time is allowed to move.
    for (let turn = 0; turn < 3; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    this.advanceScheduled = false;
    if (this.busyActors > 0) return;
    const next = this.timers[0];
    if (!next) return;
    this.moveTo(next.at);
    this.fireDueTimers();
  }

  private moveTo(targetMs: number): void {
    while (this.nowMs < targetMs) {
      const fromMs = this.nowMs;
      this.nowMs = Math.min(targetMs, this.nextStop(fromMs));
      for (const { listener } of [...this.advanceListeners]) listener(fromMs, this.nowMs);
    }
  }

  private nextStop(fromMs: number): number {
    let stop = Number.POSITIVE_INFINITY;
    for (const { everyMs } of this.advanceListeners) {
      if (everyMs !== undefined && everyMs > 0)
        stop = Math.min(stop, (Math.floor(fromMs / everyMs) + 1) * everyMs);
    }
    return stop;
  }

  private fireDueTimers(): void {
    while (this.timers.length > 0 && (this.timers[0] as Timer).at <= this.nowMs) {
      (this.timers.shift() as Timer).wake();
    }
    if (this.timers.length > 0) this.scheduleAdvance();
  }
}
