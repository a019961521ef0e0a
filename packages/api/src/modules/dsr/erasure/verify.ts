import { type Bitrix24Client, Bitrix24Error, runRawBatch } from '../../../bitrix24/index.ts';
import type { ErasureClients, ItemKind, ReadBack } from './portal-items.ts';

export interface CheckedItems<R> {
  gone: R[];
  present: R[];
  /** The portal refused the read (not a passing failure), or nobody can read it: existence is unknown. */
  unreadable: { row: R; error: Bitrix24Error }[];
}

export interface ReadBackContext {
  clients: ErasureClients;
  /** The client that deleted (or will delete) the items. */
  deleter: Bitrix24Client;
  subjectUserId: number;
  /**
   * What becomes of an item nobody can read, or not found by a reader whose "not there" proves nothing
   * (the administrator reading a post it may not see): `present` (treat as still there) or `unreadable`.
   */
  unprovable: 'present' | 'unreadable';
}

/**
 * Reads items back, one command each, in one `batch` per reader (up to 50 rows: callers pass at most a
 * batch). Each item is read by whoever can see it (`ItemKind.readBack`). Reads are safe to repeat, so
 * the client's retries stay on; a read that still fails for a passing reason throws, and the caller
 * leaves the items as they were for the next attempt.
 */
export async function checkItems<R extends { portalId: string }>(
  kind: ItemKind,
  rows: readonly R[],
  ctx: ReadBackContext,
  signal?: AbortSignal,
): Promise<CheckedItems<R>> {
  const checked: CheckedItems<R> = { gone: [], present: [], unreadable: [] };
  const byReader = new Map<Bitrix24Client, { row: R; read: ReadBack }[]>();
  for (const row of rows) {
    const read = await kind.readBack(row.portalId, ctx.subjectUserId, ctx.clients, ctx.deleter);
    if (!read) {
      if (ctx.unprovable === 'present') checked.present.push(row);
      else checked.unreadable.push({ row, error: noReader(kind) });
      continue;
    }
    byReader.set(read.client, [...(byReader.get(read.client) ?? []), { row, read }]);
  }
  for (const [client, group] of byReader) {
    const commands = group.map(({ read }, i) => ({ key: `v${i}`, ...read.command }));
    const results = await runRawBatch(client, commands, signal ? { signal } : {});
    group.forEach(({ row, read }, i) => {
      const item = results.get(`v${i}`);
      if (item?.status === 'error') {
        if (item.error.retryable) throw item.error;
        checked.unreadable.push({ row, error: item.error });
      } else if (item?.status === 'ok' && !kind.stillThere(item.result, row.portalId)) {
        if (read.proves && (read.shows?.(item.result) ?? true)) checked.gone.push(row);
        else if (ctx.unprovable === 'present') checked.present.push(row);
        else checked.unreadable.push({ row, error: notProvable(kind) });
      } else {
        checked.present.push(row);
      }
    });
  }
  return checked;
}

function noReader(kind: ItemKind): Bitrix24Error {
  return new Bitrix24Error({
    code: 'NO_READER',
    method: kind.category,
    description: 'nobody whose credentials we hold can see it',
  });
}

function notProvable(kind: ItemKind): Bitrix24Error {
  return new Bitrix24Error({
    code: 'NOT_PROVABLE',
    method: kind.category,
    description: 'the only reader we hold may simply not see it',
  });
}
