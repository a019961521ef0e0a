import { setTimeout as sleep } from 'node:timers/promises';
import { type DataSubjectRequest, FINISHED_STATUSES } from './data-subject-request.entity.ts';

export interface WatchOptions {
  /** How often the row is read again. */
  intervalMs?: number;
  /** The stream ends after this long even if the request is still open; a client may subscribe again. */
  maxMs?: number;
}

/**
 * A request each time its status or progress changes, read again from the database every `intervalMs`: the
 * runner may be another process (a pg-boss worker), so there is no in-process event to wait for. Ends when
 * the request is finished or gone, after `maxMs`, or at once when the consumer stops (`return()`, which
 * graphql-yoga calls when the client disconnects; it also cuts the pause between reads short).
 */
export function watchRequest(
  read: () => Promise<DataSubjectRequest | null>,
  { intervalMs = 500, maxMs = 30 * 60_000 }: WatchOptions = {},
): AsyncGenerator<DataSubjectRequest, void, undefined> {
  const stop = new AbortController();
  async function* poll(): AsyncGenerator<DataSubjectRequest, void, undefined> {
    const deadline = Date.now() + maxMs;
    let last: string | null = null;
    while (!stop.signal.aborted) {
      const request = await read();
      if (!request) return;
      const state = JSON.stringify([request.status, request.progress]);
      if (state !== last) {
        last = state;
        yield request;
      }
      if (FINISHED_STATUSES.includes(request.status) || Date.now() >= deadline) return;
      await sleep(intervalMs, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  }
  const stream = poll();
  const finish = stream.return.bind(stream);
  stream.return = (value) => {
    stop.abort();
    return finish(value);
  };
  return stream;
}
