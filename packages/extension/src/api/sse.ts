import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { OutcomeError } from '../messaging/protocol.ts';
import { errorFromData, type GraphQLErrorEntry, isForbidden } from './outcome.ts';

/** One result of a subscription's event stream, already mapped: data, or what went wrong. */
export type StreamedResult<T> = { ok: true; value: T } | { ok: false; error: OutcomeError };

/**
 * The results of a GraphQL-over-SSE response (yoga's distinct-connections mode: each `data:` is one
 * execution result; a `complete` event or the end of the body ends the stream). `signal` cancels
 * the body, which closes the connection.
 */
export async function* streamedResults<T>(
  response: Response,
  signal?: AbortSignal,
): AsyncGenerator<StreamedResult<T>> {
  if (!response.body) return;
  // The body's own reader (not a pipe chain): cancelling it is what ends the connection cleanly.
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  let ended = false;
  const cancel = () => {
    if (ended) return;
    ended = true;
    void reader.cancel().catch(() => undefined);
  };
  signal?.addEventListener('abort', cancel, { once: true });
  let complete = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || ended) {
        ended = true;
        return;
      }
      parser.feed(decoder.decode(value, { stream: true }));
      for (const event of events.splice(0)) {
        // After `complete` the server closes the body: read on to its end rather than cancel.
        if (event.event === 'complete') complete = true;
        const result = complete ? null : parseResult<T>(event.data);
        if (result) yield result;
      }
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    // The consumer stopped early (an error it reports): close the connection.
    cancel();
  }
}

function parseResult<T>(data: string): StreamedResult<T> | null {
  let result: { data?: Record<string, unknown> | null; errors?: GraphQLErrorEntry[] };
  try {
    result = JSON.parse(data);
  } catch {
    return null;
  }
  if (result.errors?.length) {
    const [first] = result.errors;
    const kind = isForbidden(result.errors)
      ? 'refused'
      : first?.extensions?.code === 'NOT_FOUND'
        ? 'notFound'
        : 'unknown';
    return { ok: false, error: { kind, message: first?.message ?? 'The subscription failed.' } };
  }
  if (!result.data) return null;
  const error = errorFromData(result.data);
  return error ? { ok: false, error } : { ok: true, value: result.data as T };
}
