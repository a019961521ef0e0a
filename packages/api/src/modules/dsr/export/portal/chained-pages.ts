import {
  type Bitrix24Client,
  type Bitrix24Error,
  MAX_BATCH_COMMANDS,
  type Params,
  type RawCommand,
  ref,
  runRawBatch,
} from '../../../../bitrix24/index.ts';

/**
 * A list read by a cursor parameter that takes the last id seen (`im.dialog.messages.get` with
 * `LAST_ID`, `log.blogcomment.user.get` with `FIRST_ID`). Such methods have no `start`, so the
 * client's offset and `>ID` helpers do not apply; but inside one batch page N+1 can name page N's
 * last id as `$result[pN][messages][49][id]`, so one HTTP request still reads up to 50 pages.
 */
export interface ChainedList<T> {
  method: string;
  /** Params of every page (including the page size, e.g. `LIMIT`), without the cursor. */
  params: Params;
  cursorParam: string;
  /** Path of the rows inside `result` (`['messages']`). */
  itemsPath: readonly string[];
  /** Field of a row holding its id. */
  idField: string;
  /** Rows of a full page; a shorter page is the last. */
  pageSize: number;
  /** Which way the cursor moves: `LAST_ID` pages go to older (smaller) ids, `FIRST_ID` to newer. */
  direction: 'older' | 'newer';
  /** Carried through to the caller (the chat a cursor belongs to). */
  readonly _row?: T;
}

export type ChainedPage<T, L extends ChainedList<T>> =
  | { list: L; rows: T[] }
  /** The list could not be read (further); it is closed and the others go on. */
  | { list: L; error: Bitrix24Error; rowsBefore: number };

interface CursorState<L> {
  list: L;
  index: number;
  after: string | number | undefined;
  fresh: boolean;
  open: boolean;
  rows: number;
  failures: number;
}

/** Rounds a list may fail in a row with a retryable error before the export gives up. */
const MAX_FAILURES = 3;

function rowsAt<T>(result: unknown, path: readonly string[]): T[] {
  let node = result;
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(node) ? (node as T[]) : [];
}

/**
 * Splits the 50 commands of one request between lists. Lists never read yet get one page each
 * first (most chats are short, and a first page tells which are not); the rest of the slots are
 * shared evenly by the lists known to continue, so one long chat gets whole requests of 50 pages
 * and a short remainder wastes at most one request's tail.
 */
function plan<L>(states: CursorState<L>[]): [CursorState<L>, number][] {
  const open = states.filter((s) => s.open);
  const fresh = open.filter((s) => s.fresh).slice(0, MAX_BATCH_COMMANDS);
  const out: [CursorState<L>, number][] = fresh.map((s) => [s, 1]);
  const continuing = open.filter((s) => !s.fresh).slice(0, MAX_BATCH_COMMANDS - fresh.length);
  const slots = MAX_BATCH_COMMANDS - fresh.length;
  continuing.forEach((s, i) => {
    const pages = Math.floor(slots / continuing.length) + (i < slots % continuing.length ? 1 : 0);
    if (pages > 0) out.push([s, pages]);
  });
  return out.sort((a, b) => a[0].index - b[0].index);
}

/**
 * Reads several chained lists, yielding page by page (at most one HTTP answer, ≤ 2,500 rows, is held).
 * Pages of one list come in order; pages of different lists may interleave. Batches run with
 * `halt=0`: commands after a list's short page point at a row that does not exist and are ignored.
 */
export async function* readChainedLists<T, L extends ChainedList<T>>(
  client: Bitrix24Client,
  lists: readonly L[],
  options: { signal?: AbortSignal | undefined } = {},
): AsyncGenerator<ChainedPage<T, L>> {
  const states: CursorState<L>[] = lists.map((list, index) => ({
    list,
    index,
    after: undefined,
    fresh: true,
    open: true,
    rows: 0,
    failures: 0,
  }));
  for (;;) {
    options.signal?.throwIfAborted();
    const round = plan(states);
    if (round.length === 0) return;
    const commands: RawCommand[] = [];
    for (const [state, pages] of round) {
      const { list } = state;
      for (let page = 0; page < pages; page++) {
        const cursor =
          page === 0
            ? state.after
            : ref(`l${state.index}p${page - 1}`, ...list.itemsPath, list.pageSize - 1, list.idField);
        commands.push({
          key: `l${state.index}p${page}`,
          method: list.method,
          params: cursor === undefined ? list.params : { ...list.params, [list.cursorParam]: cursor },
        });
      }
    }
    const results = await runRawBatch(client, commands, { signal: options.signal });
    for (const [state, pages] of round) {
      for (let page = 0; page < pages; page++) {
        const item = results.get(`l${state.index}p${page}`);
        if (item?.status === 'error') {
          if (item.error.retryable && ++state.failures <= MAX_FAILURES) break;
          if (item.error.retryable) throw item.error;
          state.open = false;
          yield { list: state.list, error: item.error, rowsBefore: state.rows };
          break;
        }
        if (item?.status !== 'ok') break;
        const rows = rowsAt<T>(item.result, state.list.itemsPath);
        state.fresh = false;
        state.failures = 0;
        state.rows += rows.length;
        if (rows.length > 0) yield { list: state.list, rows };
        if (rows.length < state.list.pageSize) {
          state.open = false;
          break;
        }
        const last = (rows.at(-1) as Record<string, unknown> | undefined)?.[state.list.idField];
        if (typeof last !== 'string' && typeof last !== 'number') {
          throw new TypeError(`${state.list.method}: row has no ${state.list.idField} to continue from`);
        }
        // A portal that ignored the cursor would hand back the same page forever.
        const advanced =
          state.after === undefined ||
          (state.list.direction === 'older'
            ? Number(last) < Number(state.after)
            : Number(last) > Number(state.after));
        if (!advanced) throw new Error(`${state.list.method}: ${state.list.cursorParam} did not advance`);
        state.after = last;
      }
    }
  }
}
