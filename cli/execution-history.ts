import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from "@aws-sdk/client-sfn";

/** GetExecutionHistory's largest page. */
const PAGE = 1000;

/**
 * An execution's history, read a little at a time: each `next()` returns the events not seen before,
 * oldest first. It reads newest first and stops at the first event it has seen, so following a long
 * run costs one call per poll rather than the whole history again (polling loops add events for hours).
 */
export class ExecutionHistory {
  private lastId = 0;

  constructor(
    private readonly sfn: SFNClient,
    readonly executionArn: string,
  ) {}

  async next(): Promise<HistoryEvent[]> {
    const fresh: HistoryEvent[] = [];
    let nextToken: string | undefined;
    let reachedSeen = false;
    do {
      const page = await this.sfn.send(
        new GetExecutionHistoryCommand({
          executionArn: this.executionArn,
          reverseOrder: true,
          maxResults: PAGE,
          includeExecutionData: true,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      for (const event of page.events ?? []) {
        if ((event.id ?? 0) <= this.lastId) {
          reachedSeen = true;
          break;
        }
        fresh.push(event);
      }
      nextToken = reachedSeen ? undefined : page.nextToken;
    } while (nextToken);
    fresh.reverse();
    this.lastId = Math.max(this.lastId, ...fresh.map((event) => event.id ?? 0));
    return fresh;
  }
}
