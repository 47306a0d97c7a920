/**
 * Invariant 5 (static stability): in an outage a step may depend only on the recovery region's own
 * APIs and on data planes. Anything else it reads (the failed region, us-east-1's global control planes
 * such as Route 53's health-check status) is advisory: read through short-timeout probe clients, and
 * when the read fails or times out the step records why and carries on as if it had not asked.
 */
export type AdvisoryRead<T> = { answered: true; value: T } | { answered: false; reason: string };

export async function readAdvisory<T>(read: () => Promise<T>): Promise<AdvisoryRead<T>> {
  try {
    return { answered: true, value: await read() };
  } catch (error) {
    return { answered: false, reason: describeFailure(error) };
  }
}

/** What the audit record says of an advisory read that got no answer. */
export function unansweredDetail(reason: string): string {
  return `could not be read: ${reason}; advisory, not blocking`;
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
