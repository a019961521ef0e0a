import type { EntityManager } from '@mikro-orm/core';
import { MAX_BATCH_COMMANDS } from '../../../bitrix24/index.ts';
import { DELETABLE_CATEGORIES, type DeletableCategory, REASONS } from './categories.ts';
import { DEFAULT_DELETE_POLICY, type DeletePolicy, deleteItems, PORTAL_REFUSED } from './delete-batch.ts';
import {
  claimPending,
  type LedgerRow,
  ledgerCounts,
  markDone,
  markKept,
  markPending,
  rowsInState,
} from './ledger.ts';
import { type ErasureClients, ITEM_KINDS } from './portal-items.ts';
import { checkItems } from './verify.ts';

export interface ExecuteOptions {
  /** A fork for this run; ledger writes are committed one statement at a time. */
  em: EntityManager;
  requestId: string;
  subjectUserId: number;
  clients: ErasureClients;
  /** Checked between batches: cancelling never leaves a batch half-recorded. */
  signal?: AbortSignal;
  /** Items settled (deleted or kept) out of all items to delete. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
  /** Items per delete request, at most 50 (the portal's batch limit). */
  batchSize?: number;
  policy?: Partial<DeletePolicy>;
  /** Only these categories (in DELETABLE_CATEGORIES order); default all. */
  categories?: readonly DeletableCategory[];
}

export interface ExecuteSummary {
  /** Items deleted per category, this run and earlier ones. */
  removed: Record<DeletableCategory, number>;
  /** Items of deletable categories kept (planned or refused by the portal). */
  kept: number;
}

async function settle(
  em: EntityManager,
  outcome: {
    done: LedgerRow[];
    kept: { id: string; reason: string; failed?: boolean }[];
    pending: LedgerRow[];
  },
) {
  await markDone(
    em,
    outcome.done.map((row) => row.id),
  );
  await markKept(em, outcome.kept);
  await markPending(
    em,
    outcome.pending.map((row) => row.id),
  );
}

/**
 * Items left IN_FLIGHT by a run that stopped between asking the portal and recording its answer: read
 * each back, DONE if it is gone, PENDING if it is still there. Never deleted twice.
 */
export async function recoverInFlight(options: ExecuteOptions): Promise<number> {
  const { em, requestId, subjectUserId, clients, signal } = options;
  let recovered = 0;
  for (const category of options.categories ?? DELETABLE_CATEGORIES) {
    const kind = ITEM_KINDS[category];
    for (;;) {
      const rows = await rowsInState(em, requestId, 'IN_FLIGHT', { category, limit: MAX_BATCH_COMMANDS });
      if (rows.length === 0) break;
      const client = kind.client(clients);
      if (!client) {
        // Nobody may read these back or delete them now; whatever happened, they stay as they are.
        await markKept(
          em,
          rows.map((row) => ({ id: row.id, reason: REASONS.unconfirmed, failed: true })),
        );
        continue;
      }
      const checked = await checkItems(
        kind,
        rows,
        { clients, deleter: client, subjectUserId, unprovable: 'unreadable' },
        signal,
      );
      await markDone(
        em,
        checked.gone.map((row) => row.id),
      );
      await markPending(
        em,
        checked.present.map((row) => row.id),
      );
      await markKept(
        em,
        checked.unreadable.map(({ row, error }) => ({
          id: row.id,
          reason: `It could not be read back to confirm its deletion: ${error.code}`,
          failed: true,
        })),
      );
      recovered += rows.length;
    }
  }
  return recovered;
}

/**
 * Works through the ledger of one request: per category, take up to 50 PENDING items, mark them
 * IN_FLIGHT (committed), delete them with one batch, record DONE / KEPT / PENDING. Resumes anywhere:
 * IN_FLIGHT items of an interrupted run are read back first.
 */
export async function executeErasureLedger(options: ExecuteOptions): Promise<ExecuteSummary> {
  const { em, requestId, subjectUserId, clients, signal } = options;
  const policy = { ...DEFAULT_DELETE_POLICY, ...options.policy };
  const batchSize = Math.min(MAX_BATCH_COMMANDS, Math.max(1, options.batchSize ?? MAX_BATCH_COMMANDS));
  signal?.throwIfAborted();
  await recoverInFlight(options);

  const categories = options.categories ?? DELETABLE_CATEGORIES;
  const counts = await ledgerCounts(em, requestId);
  let total = 0;
  let settled = 0;
  for (const category of DELETABLE_CATEGORIES) {
    const c = counts.get(category);
    if (!c) continue;
    total += c.PENDING + c.DONE;
    settled += c.DONE;
  }
  await options.onProgress?.(settled, total);

  for (const category of categories) {
    const kind = ITEM_KINDS[category];
    const client = kind.client(clients);
    const fallback = kind.fallback?.(clients);
    for (;;) {
      signal?.throwIfAborted();
      const rows = await claimPending(em, requestId, category, batchSize);
      if (rows.length === 0) break;
      if (!client) {
        // Not a retention rule: nothing we hold may delete them, so they are left over (an exception).
        await markKept(
          em,
          rows.map((row) => ({ id: row.id, reason: kind.noClientReason, failed: true })),
        );
        settled += rows.length;
        await options.onProgress?.(settled, total);
        continue;
      }
      const args = { clients, kind, subjectUserId, policy, signal };
      let outcome = await deleteItems({ ...args, client, asSubject: client === clients.asSubject, rows });
      if (fallback && fallback !== client && !outcome.failure) {
        // What the first deleter was refused, the fallback (the author) may delete.
        const refused = new Set(
          outcome.kept.filter((k) => k.reason.startsWith(PORTAL_REFUSED)).map((k) => k.id),
        );
        const second = rows.filter((row) => refused.has(row.id));
        if (second.length > 0) {
          const retried = await deleteItems({
            ...args,
            client: fallback,
            asSubject: fallback === clients.asSubject,
            rows: second,
          });
          outcome = {
            ...retried,
            done: [...outcome.done, ...retried.done],
            kept: [...outcome.kept.filter((k) => !refused.has(k.id)), ...retried.kept],
          };
        }
      }
      await settle(em, outcome);
      settled += outcome.done.length + outcome.kept.length;
      await options.onProgress?.(settled, total);
      if (outcome.failure) throw outcome.failure;
    }
  }
  return summarise(em, requestId);
}

export async function summarise(em: EntityManager, requestId: string): Promise<ExecuteSummary> {
  const counts = await ledgerCounts(em, requestId);
  const removed = Object.fromEntries(
    DELETABLE_CATEGORIES.map((category) => [category, counts.get(category)?.DONE ?? 0]),
  ) as Record<DeletableCategory, number>;
  const kept = DELETABLE_CATEGORIES.reduce((sum, category) => sum + (counts.get(category)?.KEPT ?? 0), 0);
  return { removed, kept };
}
