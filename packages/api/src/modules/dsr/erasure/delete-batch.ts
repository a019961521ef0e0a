import { setTimeout as sleep } from 'node:timers/promises';
import { type Bitrix24Client, Bitrix24Error, backoffDelay, runRawBatch } from '../../../bitrix24/index.ts';
import { REASONS } from './categories.ts';
import type { LedgerRow } from './ledger.ts';
import type { ErasureClients, ItemKind } from './portal-items.ts';
import { checkItems, type ReadBackContext } from './verify.ts';

export interface DeletePolicy {
  /** Sends of one batch, the first included, before the run gives up for now. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * After a lost connection or a timeout the portal may still be running the batch. It stops any request
   * after 60 s (`limits.md`), so reading back only after this long since sending cannot race it.
   */
  settleMs: number;
}

export const DEFAULT_DELETE_POLICY: DeletePolicy = {
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  settleMs: 65_000,
};

export interface DeleteOutcome {
  done: LedgerRow[];
  /**
   * `failed`: still on the portal, or unknown, for want of means (the portal refused, the subject's
   * credentials stopped working, the outcome cannot be read back): an exception, unlike a retention rule.
   */
  kept: { id: string; reason: string; failed?: boolean }[];
  /** Refused for a passing reason every time: back to PENDING for a later run. */
  pending: LedgerRow[];
  /** Whether deleted or not is unknown: they stay IN_FLIGHT and the next run reads them back. */
  inFlight: LedgerRow[];
  /** Set when the run should stop and be retried later (after settling the rows above). */
  failure?: Bitrix24Error;
}

/** The portal turned the request away before running any of it: sending it again is safe. */
function refusedBeforeRunning(error: Bitrix24Error): boolean {
  return error.kind === 'rate_limit' || error.code === 'CONNECTION_REFUSED';
}

/** The request may have run, in part or whole, without us hearing the answer. */
function ambiguous(error: Bitrix24Error): boolean {
  return error.kind === 'server' || error.kind === 'transport';
}

/** No answer at all: the portal may still be working on it. */
function mayStillRun(error: Bitrix24Error): boolean {
  return error.code === 'TIMEOUT' || error.code === 'CONNECTION_RESET';
}

/** How a refused deletion's reason starts (the executor offers such items to a fallback deleter). */
export const PORTAL_REFUSED = 'The portal refused to delete it';

function portalReason(error: Bitrix24Error): string {
  return `${PORTAL_REFUSED}: ${error.description || error.code}`;
}

export interface DeleteArgs {
  client: Bitrix24Client;
  /** Everyone we may read items back with (ItemKind.readBack). */
  clients: ErasureClients;
  /** The subject's own client: a refusal of its credentials keeps the items instead of failing the run. */
  asSubject: boolean;
  kind: ItemKind;
  rows: readonly LedgerRow[];
  subjectUserId: number;
  policy: DeletePolicy;
  signal?: AbortSignal | undefined;
}

function readBackContext(args: DeleteArgs, unprovable: ReadBackContext['unprovable']): ReadBackContext {
  return { clients: args.clients, deleter: args.client, subjectUserId: args.subjectUserId, unprovable };
}

/**
 * Deletes up to 50 items (already IN_FLIGHT) with one `batch` request, and says what became of each.
 *
 * The client's own retries are off for this request: resending a batch blindly after a 500 or a lost
 * connection could delete twice. Instead a refusal (rate limit, connection refused) is resent as it is,
 * while an ambiguous failure is answered by reading the items back and resending only what is still there.
 * Failed commands are read back too, since "cannot delete" may just mean "already gone".
 */
export async function deleteItems(args: DeleteArgs): Promise<DeleteOutcome> {
  const { client, kind, subjectUserId, policy, signal } = args;
  const outcome: DeleteOutcome = { done: [], kept: [], pending: [], inFlight: [] };
  const wait = (attempt: number) =>
    sleep(backoffDelay(attempt, { ...policy, maxElapsedMs: Number.POSITIVE_INFINITY }), undefined, {
      signal,
    });
  let remaining = [...args.rows];

  for (let attempt = 1; remaining.length > 0; attempt++) {
    const sentAt = Date.now();
    const commands = remaining.map((row, i) => ({
      key: `d${i}`,
      ...kind.deleteCommand(row.portalId, subjectUserId),
    }));
    let results: Awaited<ReturnType<typeof runRawBatch>>;
    try {
      // No signal either: a batch once sent is allowed to finish, so cancelling leaves nothing in doubt.
      results = await runRawBatch(client, commands, { retry: { maxAttempts: 1 } });
    } catch (error) {
      if (!(error instanceof Bitrix24Error)) throw error;
      if (error.kind === 'auth' && args.asSubject) {
        for (const row of remaining)
          outcome.kept.push({ id: row.id, reason: REASONS.subjectCredentialsRefused, failed: true });
        return outcome;
      }
      if (!refusedBeforeRunning(error) && !ambiguous(error)) {
        return { ...outcome, inFlight: remaining, failure: error };
      }
      if (ambiguous(error)) {
        if (mayStillRun(error))
          await sleep(Math.max(0, sentAt + policy.settleMs - Date.now()), undefined, { signal });
        const checked = await checkItems(kind, remaining, readBackContext(args, 'unreadable'), signal);
        outcome.done.push(...checked.gone);
        for (const { row, error: e } of checked.unreadable) {
          outcome.kept.push({
            id: row.id,
            reason: `It could not be read back to confirm its deletion: ${e.code}`,
            failed: true,
          });
        }
        remaining = checked.present;
      }
      if (remaining.length === 0) break;
      if (attempt >= policy.maxAttempts) {
        // Refused outright: nothing ran, so they can simply wait as PENDING; otherwise read back next run.
        const left = refusedBeforeRunning(error) ? { pending: remaining } : { inFlight: remaining };
        return { ...outcome, ...left, failure: error };
      }
      await wait(attempt);
      continue;
    }

    const failed: { row: LedgerRow; error: Bitrix24Error }[] = [];
    remaining.forEach((row, i) => {
      const item = results.get(`d${i}`);
      if (item?.status === 'ok') outcome.done.push(row);
      else if (item?.status === 'error') failed.push({ row, error: item.error });
      else failed.push({ row, error: new Bitrix24Error({ code: 'NOT_RUN', method: 'batch' }) });
    });
    if (failed.length === 0) break;

    // "Cannot delete" may mean "already gone", but only a reader who would see the item can tell.
    const checked = await checkItems(
      kind,
      failed.map((f) => f.row),
      readBackContext(args, 'present'),
      signal,
    );
    outcome.done.push(...checked.gone);
    for (const { row, error } of checked.unreadable) {
      outcome.kept.push({
        id: row.id,
        reason: `It could not be read back after a failed deletion: ${error.code}`,
        failed: true,
      });
    }
    const present = new Set(checked.present);
    const retry: LedgerRow[] = [];
    let lastTransient: Bitrix24Error | undefined;
    for (const { row, error } of failed) {
      if (!present.has(row)) continue;
      if (error.retryable || error.code === 'NOT_RUN') {
        retry.push(row);
        lastTransient = error;
      } else {
        outcome.kept.push({ id: row.id, reason: portalReason(error), failed: true });
      }
    }
    remaining = retry;
    if (remaining.length === 0) break;
    if (attempt >= policy.maxAttempts) {
      // They were refused, so not deleted: PENDING, and the run stops to be retried later.
      return { ...outcome, pending: remaining, failure: lastTransient };
    }
    await wait(attempt);
  }
  return outcome;
}
