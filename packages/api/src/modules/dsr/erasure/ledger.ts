import type { EntityManager } from '@mikro-orm/core';
import { uuidv7 } from '../../../db/uuid.ts';
import { ErasureItem, type ErasureItemState } from '../erasure-item.entity.ts';
import type { DeletableCategory } from './categories.ts';
import type { ErasurePlan } from './plan.ts';

/**
 * The erasure ledger (`erasure_item`), one row per item. Every write here is a single statement outside
 * any transaction, so it is committed when the call returns: the ledger is the checkpoint of the
 * item phase, and IN_FLIGHT is durable before the portal is asked to delete anything.
 */
export interface LedgerRow {
  id: string;
  category: string;
  portalId: string;
  label: string | null;
}

const ROW_FIELDS = ['id', 'category', 'portalId', 'label'] as const;

function toRow(item: Pick<ErasureItem, (typeof ROW_FIELDS)[number]>): LedgerRow {
  return { id: item.id, category: item.category, portalId: item.portalId, label: item.label ?? null };
}

/**
 * Writes the confirmed plan's rows (PENDING to delete, KEPT with their reasons), replacing any earlier
 * ones of the request. Call it inside the confirmation transaction.
 */
export async function writeErasureLedger(
  em: EntityManager,
  requestId: string,
  plan: Pick<ErasurePlan, 'items' | 'kept'>,
): Promise<number> {
  await em.nativeDelete(ErasureItem, { requestId });
  const now = new Date();
  const rows = [
    ...plan.items.map((item) => ({ ...item, state: 'PENDING' as const, reason: null })),
    ...plan.kept.map((item) => ({ ...item, state: 'KEPT' as const })),
  ].map((item) => ({
    id: uuidv7(),
    createdAt: now,
    updatedAt: now,
    requestId,
    category: item.category,
    portalId: item.portalId,
    label: item.label,
    state: item.state,
    reason: item.reason,
  }));
  // One statement per 1,000 rows keeps the bind-parameter count far below PostgreSQL's limit.
  for (let i = 0; i < rows.length; i += 1000) await em.insertMany(ErasureItem, rows.slice(i, i + 1000));
  return rows.length;
}

/** Takes up to `limit` PENDING rows of a category and marks them IN_FLIGHT (committed on return). */
export async function claimPending(
  em: EntityManager,
  requestId: string,
  category: DeletableCategory,
  limit: number,
): Promise<LedgerRow[]> {
  const found = await em
    .fork()
    .find(
      ErasureItem,
      { requestId, category, state: 'PENDING' },
      { fields: [...ROW_FIELDS], orderBy: { id: 'asc' }, limit },
    );
  if (found.length === 0) return [];
  const ids = found.map((item) => item.id);
  const claimed = await em.nativeUpdate(
    ErasureItem,
    { id: { $in: ids }, state: 'PENDING' },
    { state: 'IN_FLIGHT', updatedAt: new Date() },
  );
  // A single runner holds the request's lease; anything else means someone else is working on it.
  if (claimed !== ids.length) throw new Error(`erasure ledger of ${requestId} changed under this runner`);
  return found.map(toRow);
}

export async function rowsInState(
  em: EntityManager,
  requestId: string,
  state: ErasureItemState,
  options: { category?: string; limit?: number; afterId?: string } = {},
): Promise<LedgerRow[]> {
  const found = await em.fork().find(
    ErasureItem,
    {
      requestId,
      state,
      ...(options.category ? { category: options.category } : {}),
      ...(options.afterId ? { id: { $gt: options.afterId } } : {}),
    },
    { fields: [...ROW_FIELDS], orderBy: { id: 'asc' }, ...(options.limit ? { limit: options.limit } : {}) },
  );
  return found.map(toRow);
}

export async function markDone(em: EntityManager, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await em.nativeUpdate(ErasureItem, { id: { $in: [...ids] } }, { state: 'DONE', updatedAt: new Date() });
}

export async function markPending(em: EntityManager, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await em.nativeUpdate(ErasureItem, { id: { $in: [...ids] } }, { state: 'PENDING', updatedAt: new Date() });
}

/** One statement per distinct reason. */
export async function markKept(
  em: EntityManager,
  kept: readonly { id: string; reason: string }[],
): Promise<void> {
  const byReason = new Map<string, string[]>();
  for (const { id, reason } of kept) byReason.set(reason, [...(byReason.get(reason) ?? []), id]);
  for (const [reason, ids] of byReason) {
    await em.nativeUpdate(
      ErasureItem,
      { id: { $in: ids } },
      { state: 'KEPT', reason, updatedAt: new Date() },
    );
  }
}

/** category → state → count. */
export async function ledgerCounts(
  em: EntityManager,
  requestId: string,
): Promise<Map<string, Record<ErasureItemState, number>>> {
  const rows = (await em
    .fork()
    .getConnection()
    .execute(
      'select category, state, count(*)::int as n from erasure_item where request_id = ? group by category, state',
      [requestId],
    )) as { category: string; state: ErasureItemState; n: number }[];
  const counts = new Map<string, Record<ErasureItemState, number>>();
  for (const { category, state, n } of rows) {
    const entry = counts.get(category) ?? { PENDING: 0, IN_FLIGHT: 0, DONE: 0, KEPT: 0 };
    entry[state] = Number(n);
    counts.set(category, entry);
  }
  return counts;
}

export async function keptRows(em: EntityManager, requestId: string) {
  const found = await em
    .fork()
    .find(
      ErasureItem,
      { requestId, state: 'KEPT' },
      { fields: [...ROW_FIELDS, 'reason'], orderBy: { id: 'asc' } },
    );
  return found.map((item) => ({ ...toRow(item), reason: item.reason ?? '' }));
}
