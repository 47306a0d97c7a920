/** A polling step's result once it is done: the state machine's Choice reads no wait from it. */
export function settled<T extends { pollAfterSeconds?: number }>(progress: T): Omit<T, "pollAfterSeconds"> {
  const { pollAfterSeconds: _wait, ...rest } = progress;
  return rest;
}
