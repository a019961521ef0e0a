import {
  type BatchItem,
  type Bitrix24Client,
  type Bitrix24Error,
  type CallOptions,
  MAX_BATCH_COMMANDS,
  type Params,
  ref,
  runRawBatch,
} from '../../../bitrix24/index.ts';

/**
 * One cursor-paged list: a chat's messages (`LAST_ID`), a user's comments (`FIRST_ID`). The client's
 * own pagers cover `start` and `>ID` filters only; these methods take the cursor as a parameter.
 */
export interface CursorStream {
  /** Unique among the streams of one read; letters, digits and `_` (it becomes a batch key). */
  key: string;
  method: string;
  /** Params for the page after `cursor` (undefined: the first page). */
  params(cursor: string | number | undefined): Params;
  /** Where the rows are inside `result` (`['messages']`). */
  rowsPath: readonly string[];
  /** The row field the next page continues from. */
  idField: string;
  /** Rows in a full page (the method's LIMIT). */
  pageSize: number;
}

export type StreamPage<T> = { key: string; rows: T[] } | { key: string; error: Bitrix24Error };

function rowsOf<T>(stream: CursorStream, result: unknown): T[] {
  let node = result;
  for (const part of stream.rowsPath) node = (node as Record<string, unknown> | undefined)?.[part];
  return Array.isArray(node) ? (node as T[]) : [];
}

interface Progress {
  stream: CursorStream;
  cursor: string | number | undefined;
  pages: number;
}

/**
 * Reads many cursor-paged lists with as few HTTP requests as possible. Each request holds up to 50
 * commands: one first page for each stream not started yet (most chats fit in one page), and the rest
 * of the budget shared by streams that need more, chained inside the request with
 * `$result[prev][rows][LIMIT-1][id]` so one request reads up to 2,500 rows of one stream.
 * Pages after a short page point at a row that does not exist; they are discarded, errors included.
 * A stream that fails yields its error once and stops; the others go on.
 */
export async function* readCursorStreams<T>(
  client: Bitrix24Client,
  streams: readonly CursorStream[],
  options: CallOptions = {},
): AsyncGenerator<StreamPage<T>> {
  let active: Progress[] = streams.map((stream) => ({ stream, cursor: undefined, pages: 0 }));
  while (active.length > 0) {
    let budget = MAX_BATCH_COMMANDS;
    const fresh = active.filter((p) => p.pages === 0).slice(0, budget);
    budget -= fresh.length;
    const going = active.filter((p) => p.pages > 0).slice(0, budget);
    const perGoing = going.length > 0 ? Math.max(1, Math.floor(budget / going.length)) : 0;
    const plan = [...fresh.map((p) => ({ p, count: 1 })), ...going.map((p) => ({ p, count: perGoing }))];

    const commands = plan.flatMap(({ p, count }) =>
      Array.from({ length: count }, (_, i) => ({
        key: `${p.stream.key}_${i}`,
        method: p.stream.method,
        params: p.stream.params(
          i === 0
            ? p.cursor
            : ref(`${p.stream.key}_${i - 1}`, ...p.stream.rowsPath, p.stream.pageSize - 1, p.stream.idField),
        ),
      })),
    );
    const results = await runRawBatch(client, commands, options);

    const finished = new Set<Progress>();
    for (const { p, count } of plan) {
      for (let i = 0; i < count; i++) {
        const item = results.get(`${p.stream.key}_${i}`) as BatchItem<unknown> | undefined;
        p.pages++;
        if (item?.status === 'error') {
          yield { key: p.stream.key, error: item.error };
          finished.add(p);
          break;
        }
        const rows = item?.status === 'ok' ? rowsOf<T>(p.stream, item.result) : [];
        if (rows.length > 0) yield { key: p.stream.key, rows };
        if (rows.length < p.stream.pageSize) {
          finished.add(p);
          break;
        }
        const last = (rows.at(-1) as Record<string, unknown>)[p.stream.idField];
        if (typeof last !== 'string' && typeof last !== 'number') {
          throw new TypeError(`${p.stream.method}: row has no ${p.stream.idField} to continue from`);
        }
        p.cursor = last;
      }
    }
    active = active.filter((p) => !finished.has(p));
  }
}
