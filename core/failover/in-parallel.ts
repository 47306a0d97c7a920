/**
 * Runs `work` over `items` with at most `limit` calls in flight, and returns the results in the items'
 * order. Steps that touch many resources (hundreds of nodegroups, records to confirm) send their calls
 * together this way instead of one after another, while staying under the API's request rate; the first
 * failure is thrown once the calls already in flight have settled, so none is left running unobserved.
 */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}
