import type { EntityManager } from '@mikro-orm/core';
import { uuidv7 } from '../../../db/uuid.ts';
import { ErasureItem, type ErasureItemState } from '../erasure-item.entity.ts';
import { type DeletableCategory, parseMessageRef } from './categories.ts';
import type { ErasurePlan, KeptItem, PlanItem } from './plan.ts';

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
  const rows = newRows(requestId, plan, () => true, false);
  await insertRows(em, rows);
  return rows.length;
}

/** Ledger rows for items to delete (PENDING) and items kept (KEPT, with their reasons). */
function newRows(
  requestId: string,
  collected: { items: readonly PlanItem[]; kept: readonly KeptItem[] },
  include: (item: { category: string; portalId: string }) => boolean,
  addedSincePreview: boolean,
) {
  const now = new Date();
  return [
    ...collected.items.map((item) => ({ ...item, state: 'PENDING' as const, reason: null })),
    ...collected.kept.map((item) => ({ ...item, state: 'KEPT' as const })),
  ]
    .filter(include)
    .map((item) => ({
      id: uuidv7(),
      createdAt: now,
      updatedAt: now,
      requestId,
      category: item.category,
      portalId: item.portalId,
      label: item.label,
      state: item.state,
      reason: item.reason,
      addedSincePreview,
    }));
}

async function insertRows(em: EntityManager, rows: ReturnType<typeof newRows>): Promise<void> {
  // One statement per 1,000 rows keeps the bind-parameter count far below PostgreSQL's limit.
  for (let i = 0; i < rows.length; i += 1000) await em.insertMany(ErasureItem, rows.slice(i, i + 1000));
}

/**
 * Adds the items a collection at execution found that the ledger does not hold yet (PENDING to delete,
 * KEPT with their reasons), marked as added since the preview. Rows already there, in any state, are left
 * alone, so collecting again after a crash adds nothing twice. Returns the rows added.
 */
export async function addCollectedRows(
  em: EntityManager,
  requestId: string,
  collected: { items: readonly PlanItem[]; kept: readonly KeptItem[] },
): Promise<LedgerRow[]> {
  const known = new Set((await ledgerIndex(em, requestId)).keys());
  const rows = newRows(requestId, collected, (item) => !known.has(ledgerKey(item)), true);
  await insertRows(em, rows);
  return rows.map(toRow);
}

/**
 * What makes two rows the same item. A chat message by its message id alone: its ledger id names the
 * dialog as the reader sees it (`1:345` for the subject is `7:345` for user 1), and a collection at
 * execution may read as someone else than the preview did.
 */
export function ledgerKey(item: { category: string; portalId: string }): string {
  if (item.category === 'chat-message' && /:\d+$/.test(item.portalId)) {
    return `${item.category}\u0000${parseMessageRef(item.portalId).messageId}`;
  }
  return `${item.category}\u0000${item.portalId}`;
}

export interface IndexedRow extends LedgerRow {
  state: ErasureItemState;
  /** KEPT because the deletion failed, not by a retention rule. */
  failed: boolean;
}

/** Every row of the request by `ledgerKey`. */
export async function ledgerIndex(em: EntityManager, requestId: string): Promise<Map<string, IndexedRow>> {
  const found = await em
    .fork()
    .find(ErasureItem, { requestId }, { fields: [...ROW_FIELDS, 'state', 'failed'], orderBy: { id: 'asc' } });
  return new Map(
    found.map((item) => [ledgerKey(item), { ...toRow(item), state: item.state, failed: item.failed }]),
  );
}

export async function markSkipped(em: EntityManager, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await em.nativeUpdate(
    ErasureItem,
    { id: { $in: [...ids] }, state: 'PENDING' },
    { state: 'SKIPPED', updatedAt: new Date() },
  );
}

/** Rows added since the preview (`added`) or skipped because they were gone (`skipped`), in id order. */
export async function changedSincePreview(em: EntityManager, requestId: string) {
  const fields = [...ROW_FIELDS, 'state'] as const;
  const added = await em
    .fork()
    .find(
      ErasureItem,
      { requestId, addedSincePreview: true },
      { fields: [...fields], orderBy: { id: 'asc' } },
    );
  const skipped = await em
    .fork()
    .find(ErasureItem, { requestId, state: 'SKIPPED' }, { fields: [...fields], orderBy: { id: 'asc' } });
  return {
    added: added.map((item) => ({ ...toRow(item), state: item.state })),
    skipped: skipped.map(toRow),
  };
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

/**
 * One statement per distinct reason. `failed`: the deletion was tried and did not go through (or cannot
 * be confirmed); such rows are exceptions for the verification sweep, not retention.
 */
export async function markKept(
  em: EntityManager,
  kept: readonly { id: string; reason: string; failed?: boolean }[],
): Promise<void> {
  const byReason = new Map<string, { reason: string; failed: boolean; ids: string[] }>();
  for (const { id, reason, failed = false } of kept) {
    const key = `${failed}\u0000${reason}`;
    const group = byReason.get(key) ?? { reason, failed, ids: [] };
    group.ids.push(id);
    byReason.set(key, group);
  }
  for (const { reason, failed, ids } of byReason.values()) {
    await em.nativeUpdate(
      ErasureItem,
      { id: { $in: ids } },
      { state: 'KEPT', reason, failed, updatedAt: new Date() },
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
    const entry = counts.get(category) ?? { PENDING: 0, IN_FLIGHT: 0, DONE: 0, KEPT: 0, SKIPPED: 0 };
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
      { fields: [...ROW_FIELDS, 'reason', 'failed'], orderBy: { id: 'asc' } },
    );
  return found.map((item) => ({ ...toRow(item), reason: item.reason ?? '', failed: item.failed }));
}
