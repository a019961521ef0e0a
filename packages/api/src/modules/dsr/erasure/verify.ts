import { type Bitrix24Client, type Bitrix24Error, runRawBatch } from '../../../bitrix24/index.ts';
import type { ItemKind } from './portal-items.ts';

export interface CheckedItems<R> {
  gone: R[];
  present: R[];
  /** The portal refused the read (not a passing failure): whether the item exists cannot be told. */
  unreadable: { row: R; error: Bitrix24Error }[];
}

/**
 * Reads items back, one command each, up to 50 per HTTP request. Reads are safe to repeat, so the
 * client's retries stay on; a read that still fails for a passing reason throws, and the caller
 * leaves the items as they were for the next attempt.
 */
export async function checkItems<R extends { portalId: string }>(
  client: Bitrix24Client,
  kind: ItemKind,
  rows: readonly R[],
  subjectUserId: number,
  signal?: AbortSignal,
): Promise<CheckedItems<R>> {
  const commands = rows.map((row, i) => ({
    key: `v${i}`,
    ...kind.existsCommand(row.portalId, subjectUserId),
  }));
  const results = await runRawBatch(client, commands, signal ? { signal } : {});
  const checked: CheckedItems<R> = { gone: [], present: [], unreadable: [] };
  rows.forEach((row, i) => {
    const item = results.get(`v${i}`);
    if (item?.status === 'error') {
      if (item.error.retryable) throw item.error;
      checked.unreadable.push({ row, error: item.error });
    } else if (item?.status === 'ok' && !kind.stillThere(item.result, row.portalId)) {
      checked.gone.push(row);
    } else {
      checked.present.push(row);
    }
  });
  return checked;
}
