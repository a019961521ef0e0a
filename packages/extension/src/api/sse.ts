import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { OutcomeError } from '../messaging/protocol.ts';
import { errorFromData, type GraphQLErrorEntry, isForbidden } from './outcome.ts';

/** One result of a subscription's event stream, already mapped: data, or what went wrong. */
export type StreamedResult<T> = { ok: true; value: T } | { ok: false; error: OutcomeError };

/**
 * The results of a GraphQL-over-SSE response (yoga's distinct-connections mode: each `data:` is one
 * execution result; a `complete` event or the end of the body ends the stream).
 */
export async function* streamedResults<T>(response: Response): AsyncGenerator<StreamedResult<T>> {
  if (!response.body) return;
  const events = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  for await (const event of events) {
    if (event.event === 'complete') return;
    if (!event.data) continue;
    let result: { data?: Record<string, unknown> | null; errors?: GraphQLErrorEntry[] };
    try {
      result = JSON.parse(event.data);
    } catch {
      continue;
    }
    if (result.errors?.length) {
      const [first] = result.errors;
      const kind = isForbidden(result.errors)
        ? 'refused'
        : first?.extensions?.code === 'NOT_FOUND'
          ? 'notFound'
          : 'unknown';
      yield { ok: false, error: { kind, message: first?.message ?? 'The subscription failed.' } };
      continue;
    }
    if (!result.data) continue;
    const error = errorFromData(result.data);
    yield error ? { ok: false, error } : { ok: true, value: result.data as T };
  }
}
