import { ref, runRawBatch } from './batch.ts';
import type { Bitrix24Client, CallOptions } from './client.ts';
import type { Params } from './encode.ts';
import type { B24User, BlogPost, DiskStorage, Task, TaskListParams, UserGetParams } from './shapes.ts';

/** List methods answer fixed pages of 50 rows. */
export const PAGE_SIZE = 50;

/**
 * How to page one list method. Keyset reading (`huge-data.md`: `start=-1`, `>ID` filter, order
 * by ID) needs `keyset`; methods without an ID filter can only be read by offsets.
 */
export interface ListSpec<T> {
  method: string;
  params?: Params;
  /** Path of the rows inside `result`: `[]` for a bare array, `['tasks']` for `tasks.task.list`. */
  itemsPath?: readonly string[];
  keyset?: {
    /** Param holding the filter: `FILTER` for `user.get`, `filter` elsewhere. */
    filterParam: string;
    /** Field compared in the filter (`>ID`). */
    filterField: string;
    /** Field of a returned row that holds its id (`ID`, or `id` in camelCase APIs). */
    idField: string;
    /** Params that sort by the id ascending, merged over `params`. */
    orderById: Params;
  };
  /** Only for typing the rows. */
  readonly _row?: T;
}

export interface ReadOptions extends CallOptions {
  /** Keyset modes: start after this id (resume an interrupted export). */
  after?: string | number;
}

export interface BatchedReadOptions extends ReadOptions {
  /** List commands per HTTP request, at most 50 (= 2,500 rows per request). */
  pagesPerRequest?: number;
  /**
   * Keyset mode: read the first page with a count (`start=0`) to size the following batches,
   * so the last request does not run up to 49 commands past the end. One COUNT per read.
   */
  sizeFromTotal?: boolean;
}

function rowsOf<T>(spec: ListSpec<T>, result: unknown): T[] {
  let node = result;
  for (const key of spec.itemsPath ?? []) node = (node as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(node) ? (node as T[]) : [];
}

function keysetOf<T>(spec: ListSpec<T>): NonNullable<ListSpec<T>['keyset']> {
  if (!spec.keyset) throw new TypeError(`${spec.method} has no keyset description; read it by offsets`);
  return spec.keyset;
}

function keysetParams<T>(spec: ListSpec<T>, after: unknown, start: number): Params {
  const keyset = keysetOf(spec);
  const filter = { ...((spec.params?.[keyset.filterParam] as Params | undefined) ?? {}) };
  filter[`>${keyset.filterField}`] = after;
  return { ...spec.params, ...keyset.orderById, [keyset.filterParam]: filter, start };
}

function lastId<T>(spec: ListSpec<T>, rows: readonly T[]): string | number {
  const id = (rows.at(-1) as Record<string, unknown> | undefined)?.[keysetOf(spec).idField];
  if (typeof id !== 'string' && typeof id !== 'number') {
    throw new TypeError(`${spec.method}: row has no ${keysetOf(spec).idField} to continue from`);
  }
  return id;
}

/** Plain `start`/`next` paging, one page per HTTP request. The portal counts on every page. */
export async function* readPages<T>(client: Bitrix24Client, spec: ListSpec<T>, options: ReadOptions = {}) {
  let start: number | undefined = 0;
  while (start !== undefined) {
    const envelope = await client.request(spec.method, { ...spec.params, start }, options);
    const rows = rowsOf(spec, envelope.result);
    if (rows.length > 0) yield rows;
    start = envelope.next !== undefined && rows.length > 0 ? envelope.next : undefined;
  }
}

/** Keyset paging (`start=-1`, `>ID`), one page per HTTP request, no counting. */
export async function* readKeyset<T>(client: Bitrix24Client, spec: ListSpec<T>, options: ReadOptions = {}) {
  let after: string | number = options.after ?? 0;
  for (;;) {
    const envelope = await client.request(spec.method, keysetParams(spec, after, -1), options);
    const rows = rowsOf(spec, envelope.result);
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE_SIZE) return;
    after = lastId(spec, rows);
  }
}

function pagesPerRequest(options: BatchedReadOptions): number {
  const n = options.pagesPerRequest ?? 50;
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new RangeError('pagesPerRequest must be 1..50');
  return n;
}

/**
 * Keyset paging inside batches: command `p{i}` filters `>ID` on `$result[p{i-1}][…][49][ID]`, the
 * last id of the page before it, so one HTTP request reads up to 50 pages (2,500 rows).
 * Pages after a short page refer to a row that does not exist; their rows are discarded.
 */
export async function* readBatchedKeyset<T>(
  client: Bitrix24Client,
  spec: ListSpec<T>,
  options: BatchedReadOptions = {},
) {
  const keyset = keysetOf(spec);
  const perRequest = pagesPerRequest(options);
  let after: string | number = options.after ?? 0;
  let remaining = Number.POSITIVE_INFINITY;
  if (options.sizeFromTotal ?? true) {
    const first = await client.request(spec.method, keysetParams(spec, after, 0), options);
    const rows = rowsOf(spec, first.result);
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE_SIZE) return;
    after = lastId(spec, rows);
    if (first.total !== undefined) remaining = Number(first.total) - rows.length;
  }
  for (;;) {
    // One page beyond the expected end, so a set that ends on a full page needs no extra request.
    const pages = Math.max(1, Math.min(perRequest, Math.ceil(Math.max(0, remaining) / PAGE_SIZE) + 1));
    const commands = Array.from({ length: pages }, (_, i) => ({
      key: `p${i}`,
      method: spec.method,
      params: keysetParams(
        spec,
        i === 0 ? after : ref(`p${i - 1}`, ...(spec.itemsPath ?? []), PAGE_SIZE - 1, keyset.idField),
        -1,
      ),
    }));
    const results = await runRawBatch(client, commands, { ...options, halt: true });
    for (const { key } of commands) {
      const item = results.get(key);
      if (item?.status === 'error') throw item.error;
      const rows = item?.status === 'ok' ? rowsOf(spec, item.result) : [];
      if (rows.length > 0) yield rows;
      if (rows.length < PAGE_SIZE) return;
      after = lastId(spec, rows);
      remaining -= rows.length;
    }
  }
}

/**
 * Offset paging inside batches: the first page gives `total`, then up to 50 `start` offsets per
 * HTTP request. Works for any list method, but rows added or removed during the read shift the
 * offsets (duplicates or gaps) and the portal counts on every page; prefer keyset when possible.
 */
export async function* readBatchedOffsets<T>(
  client: Bitrix24Client,
  spec: ListSpec<T>,
  options: BatchedReadOptions = {},
) {
  const perRequest = pagesPerRequest(options);
  const first = await client.request(spec.method, { ...spec.params, start: 0 }, options);
  const firstRows = rowsOf(spec, first.result);
  if (firstRows.length > 0) yield firstRows;
  const total = Number(first.total ?? firstRows.length);
  for (let start = PAGE_SIZE; start < total; start += perRequest * PAGE_SIZE) {
    const commands = [];
    for (let offset = start; offset < Math.min(total, start + perRequest * PAGE_SIZE); offset += PAGE_SIZE) {
      commands.push({ key: `o${offset}`, method: spec.method, params: { ...spec.params, start: offset } });
    }
    const results = await runRawBatch(client, commands, { ...options, halt: true });
    for (const { key } of commands) {
      const item = results.get(key);
      if (item?.status === 'error') throw item.error;
      const rows = item?.status === 'ok' ? rowsOf(spec, item.result) : [];
      if (rows.length > 0) yield rows;
      if (rows.length < PAGE_SIZE) return;
    }
  }
}

/** Flattens pages into rows; memory stays at one HTTP answer (≤ 2,500 rows). */
export async function* rows<T>(pages: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const page of pages) yield* page;
}

/** List specs of the methods the product pages through. */
export const lists = {
  users(params: Omit<UserGetParams, 'start' | 'sort' | 'order'> = {}): ListSpec<B24User> {
    return {
      method: 'user.get',
      params: params as Params,
      keyset: {
        filterParam: 'FILTER',
        filterField: 'ID',
        idField: 'ID',
        orderById: { sort: 'ID', order: 'ASC' },
      },
    };
  },
  tasks(params: Omit<TaskListParams, 'start' | 'order'> = {}): ListSpec<Task> {
    // The cursor needs the id in every row.
    const select = params.select && !params.select.includes('ID') ? [...params.select, 'ID'] : params.select;
    return {
      method: 'tasks.task.list',
      params: { ...params, ...(select ? { select } : {}) } as Params,
      itemsPath: ['tasks'],
      keyset: {
        filterParam: 'filter',
        filterField: 'ID',
        idField: 'id',
        orderById: { order: { ID: 'asc' } },
      },
    };
  },
  diskStorages(params: { filter?: Params } = {}): ListSpec<DiskStorage> {
    return {
      method: 'disk.storage.getlist',
      params,
      keyset: {
        filterParam: 'filter',
        filterField: 'ID',
        idField: 'ID',
        orderById: { order: { ID: 'ASC' } },
      },
    };
  },
  /** No ID filter in `log.blogpost.get`: offsets only. */
  blogPosts(params: Params = {}): ListSpec<BlogPost> {
    return { method: 'log.blogpost.get', params };
  },
};
