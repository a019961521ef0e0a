import type { EntityManager } from '@mikro-orm/core';
import { isUserActive } from '../../../bitrix24/index.ts';
import { anonymiseProfile } from '../anonymise/anonymise-profile.ts';
import {
  CATEGORY_LABELS,
  CATEGORY_ORDER,
  DELETABLE_CATEGORIES,
  type DeletableCategory,
  type ErasureCategory,
} from './categories.ts';
import type { ErasureCheckpoint } from './checkpoint.ts';
import { deactivateAccount } from './deactivate.ts';
import { ErasureNotConfirmedError, SubjectAlreadyErasedError } from './errors.ts';
import { type ExecuteOptions, executeErasureLedger, recoverInFlight, summarise } from './executor.ts';
import { changedSincePreview, keptRows, ledgerCounts, rowsInState } from './ledger.ts';
import { looksErased, lookUpSubject } from './preview.ts';
import { recollectPlan } from './recollect.ts';
import { type LeftOverItem, type Sweep, type SweepCount, sweepPortal } from './sweep.ts';

export interface RunErasureOptions extends ExecuteOptions {
  /** "Anonymous 7F3A" for a user id (keyed hash; the lead's AppSecret.pseudonymFor). */
  pseudonymFor(userId: number): string;
  /** Where the request stands (`readErasureCheckpoint(request.checkpoint)`). */
  checkpoint: ErasureCheckpoint;
  /** Persists a step's end (the runner's `ctx.checkpoint`, which also renews the lease). */
  saveCheckpoint(patch: Partial<ErasureCheckpoint>): Promise<void>;
  /** The confirmed preview's `categoryDigests`; without them the collection is compared item by item. */
  previewDigests?: Record<string, string> | undefined;
}

/** Kept items of one category and reason; `items` lists at most RETAINED_LISTED, the ledger has all. */
export interface RetainedGroup {
  category: string;
  reason: string;
  count: number;
  items: { portalId: string; label: string | null }[];
}

/** Ledger rows that differ from the confirmed preview; `items` lists at most RETAINED_LISTED. */
export interface SincePreview {
  count: number;
  items: { category: string; portalId: string; label: string | null; state?: string }[];
}

export interface Verification {
  sweptAt: string;
  readAsSubject: boolean;
  /** Per category: found by the sweep, of which listed as kept, left over. */
  counts: SweepCount[];
  /** Found by the sweep and not listed as kept: why the request ended COMPLETED_WITH_EXCEPTIONS. */
  leftOver: LeftOverItem[];
  notes: string[];
}

export interface ErasureResult {
  removed: Record<DeletableCategory, number>;
  retained: RetainedGroup[];
  /** Found when the plan was collected again at execution, and erased (or kept) like the rest. */
  addedSincePreview: SincePreview;
  /** In the preview but gone before the erasure reached them: skipped. */
  skippedSincePreview: SincePreview;
  /**
   * The chat messages deleted: each stays in its chat as the portal's tombstone ("This message has been
   * deleted." in the portal's language, `IS_DELETED` set, files and attachments gone), which is all
   * `im.message.delete` does short of the General chat. `items` lists at most RETAINED_LISTED; the ledger
   * has all (state DONE).
   */
  tombstones: { count: number; items: { portalId: string; label: string | null }[] };
  /** The verification sweep; absent only for a result read before the sweep ran. */
  verification: Verification | null;
  profile: { anonymised: boolean; changed: string[] };
  account: { deactivated: boolean };
  /** Sentences for the administrator. */
  messages: string[];
}

export const RETAINED_LISTED = 100;

/** Deleted while the account is still active; chat messages follow its deactivation. */
const BEFORE_DEACTIVATION: readonly DeletableCategory[] = [
  'live-feed-comment',
  'task-comment',
  'live-feed-post',
];

function plural(n: number, what: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? what.replace(/s$/, '') : what}`;
}

/**
 * Runs (or resumes) an erasure whose ledger was written at confirmation: collect the plan again (items
 * added or gone since the preview), delete the items, anonymise the profile, sweep the portal for what is
 * left, deactivate the account. Each step is idempotent and recorded in the checkpoint (README.md).
 */
export async function runErasure(options: RunErasureOptions): Promise<ErasureResult> {
  const { em, requestId, subjectUserId, signal } = options;
  let { clients } = options;
  const cp: ErasureCheckpoint = { ...options.checkpoint };
  const save = async (patch: Partial<ErasureCheckpoint>) => {
    Object.assign(cp, patch);
    await options.saveCheckpoint(patch);
  };

  // A deactivated subject's credentials are dead: everything is read as the administrator, who deletes
  // posts and comments, and the messages of a deactivated author (BITRIX24-APPS.md §10).
  const subject =
    !cp.erasureStartedAt || !cp.itemsCompletedAt || !cp.sweep
      ? await lookUpSubject(clients.admin, subjectUserId, signal)
      : undefined;
  if (cp.accountDeactivatedAt || (subject && !isUserActive(subject))) {
    clients = { ...clients, asSubject: undefined, subjectDeactivated: true };
  }
  if (subject && !cp.erasureStartedAt) {
    // Only before anything was done: later, an erased-looking subject is just our own work.
    const counts = await ledgerCounts(em, requestId);
    const toDo = [...counts.values()].reduce((sum, c) => sum + c.PENDING + c.IN_FLIGHT, 0);
    if (looksErased(subject) && toDo === 0) throw new SubjectAlreadyErasedError(subjectUserId);
    if (counts.size === 0) throw new ErasureNotConfirmedError(requestId);
    await save({ erasureStartedAt: new Date().toISOString() });
  }
  // The inventory: collected again with the subject's own credentials while the account is active, into
  // the ledger, before anything changes. Never after a deletion has started: the ledger is then the
  // record of what was asked of the portal.
  if (!cp.recollectedAt && !cp.itemsCompletedAt) {
    const recollection = await recollectPlan({
      em,
      requestId,
      subjectUserId,
      clients,
      previewDigests: options.previewDigests,
      signal,
    });
    await save({ recollectedAt: new Date().toISOString(), recollection });
  }
  // Who else may read a group chat's message back once the subject's credentials are gone (a resume
  // finds them in the checkpoint).
  clients = { ...clients, groupChatMembers: cp.recollection?.groupChatMembers };
  if (!cp.itemsCompletedAt && !cp.accountDeactivatedAt) {
    // While the account is active: comments (in the author's name), task comments, posts (the author
    // deletes what the administrator may not see).
    await executeErasureLedger({ ...options, clients, categories: BEFORE_DEACTIVATION });
    // Deletions left in doubt by a crash are read back while the author, who sees them all, still can.
    await recoverInFlight({ ...options, clients });
  }
  if (!cp.itemsCompletedAt && !cp.accountDeactivatedAt) {
    // Only now may an administrator delete the author's messages; the subject's credentials stop here.
    await deactivateAccount(clients.admin, subjectUserId, signal);
    await save({ accountDeactivatedAt: new Date().toISOString() });
    clients = { ...clients, asSubject: undefined, subjectDeactivated: true };
  }
  if (!cp.itemsCompletedAt) {
    await executeErasureLedger({ ...options, clients });
    await save({ itemsCompletedAt: new Date().toISOString() });
  }
  signal?.throwIfAborted();
  if (!cp.profileAnonymisedAt) {
    const outcome = await anonymiseProfile({
      portal: clients.admin,
      subjectUserId,
      pseudonymFor: options.pseudonymFor,
      clearDepartments: true,
      ...(signal ? { signal } : {}),
    });
    await save({ profileAnonymisedAt: new Date().toISOString(), profileChanged: outcome.changed });
  }
  signal?.throwIfAborted();
  if (!cp.sweep) {
    const sweep = await sweepPortal({
      em,
      requestId,
      subjectUserId,
      clients,
      inventoriedAsSubject: cp.recollection?.readAsSubject === true,
      pseudonymFor: options.pseudonymFor,
      signal,
    });
    await save({ sweep });
  }
  signal?.throwIfAborted();
  // Runs started before deactivation came first end here.
  if (!cp.accountDeactivatedAt) {
    await deactivateAccount(clients.admin, subjectUserId, signal);
    await save({ accountDeactivatedAt: new Date().toISOString() });
  }
  return erasureResult(em, requestId, cp);
}

/** The result of a finished (or partly finished) erasure, from its ledger and checkpoint. */
export async function erasureResult(
  em: EntityManager,
  requestId: string,
  cp: ErasureCheckpoint,
): Promise<ErasureResult> {
  const { removed } = await summarise(em, requestId);
  const groups = new Map<string, RetainedGroup>();
  for (const row of await keptRows(em, requestId)) {
    const key = `${row.category}\u0000${row.reason}`;
    const group = groups.get(key) ?? { category: row.category, reason: row.reason, count: 0, items: [] };
    group.count++;
    if (group.items.length < RETAINED_LISTED) group.items.push({ portalId: row.portalId, label: row.label });
    groups.set(key, group);
  }
  const rank = (category: string) => CATEGORY_ORDER.indexOf(category as ErasureCategory);
  const retained = [...groups.values()].sort((a, b) => rank(a.category) - rank(b.category));

  const tombstoneRows = await rowsInState(em, requestId, 'DONE', {
    category: 'chat-message',
    limit: RETAINED_LISTED,
  });
  const tombstones = {
    count: removed['chat-message'],
    items: tombstoneRows.map((row) => ({ portalId: row.portalId, label: row.label })),
  };
  const changed = await changedSincePreview(em, requestId);
  const listed = (rows: SincePreview['items']): SincePreview => ({
    count: rows.length,
    items: rows.slice(0, RETAINED_LISTED),
  });
  const addedSincePreview = listed(changed.added);
  const skippedSincePreview = listed(changed.skipped);

  const messages: string[] = [];
  const deleted = DELETABLE_CATEGORIES.filter((c) => removed[c] > 0).map((c) =>
    plural(removed[c], CATEGORY_LABELS[c]),
  );
  messages.push(
    deleted.length > 0 ? `Deleted ${deleted.join(', ')}.` : 'Nothing the subject wrote needed deleting.',
  );
  if (removed['chat-message'] > 0) {
    messages.push(
      `${plural(removed['chat-message'], 'chat messages')} remain in their chats as the portal's "message deleted" tombstone: the text replaced by the portal's deletion notice, files and attachments removed.`,
    );
  }
  for (const group of retained) {
    const only = group.count === 1 ? group.items[0]?.label : undefined;
    const what = only
      ? only.charAt(0).toLowerCase() + only.slice(1)
      : plural(group.count, CATEGORY_LABELS[group.category as ErasureCategory] ?? group.category);
    messages.push(`Kept ${what}: ${group.reason}`);
  }
  if (addedSincePreview.count > 0) {
    messages.push(
      `${plural(addedSincePreview.count, 'items')} appeared since the preview and ${addedSincePreview.count === 1 ? 'was' : 'were'} handled like the rest (added since the preview).`,
    );
  }
  if (skippedSincePreview.count > 0) {
    messages.push(
      `${plural(skippedSincePreview.count, 'items')} of the preview ${skippedSincePreview.count === 1 ? 'was' : 'were'} already gone from the portal and ${skippedSincePreview.count === 1 ? 'was' : 'were'} skipped.`,
    );
  }
  if (cp.profileAnonymisedAt) {
    const n = cp.profileChanged?.length ?? 0;
    messages.push(
      `The profile was anonymised (${plural(n, 'fields')} replaced or cleared)${cp.accountDeactivatedAt ? ' and the account deactivated' : ''}.`,
    );
  }
  const verification = cp.sweep ? verificationOf(cp.sweep) : null;
  if (verification) messages.push(sweepSentence(verification));
  return {
    removed,
    retained,
    addedSincePreview,
    skippedSincePreview,
    tombstones,
    verification,
    profile: { anonymised: Boolean(cp.profileAnonymisedAt), changed: cp.profileChanged ?? [] },
    account: { deactivated: Boolean(cp.accountDeactivatedAt) },
    messages,
  };
}

function verificationOf(sweep: Sweep): Verification {
  return {
    sweptAt: sweep.sweptAt,
    readAsSubject: sweep.readAsSubject,
    counts: sweep.counts,
    leftOver: sweep.leftOver,
    notes: sweep.notes,
  };
}

function sweepSentence(v: Verification): string {
  const found = v.counts.reduce((sum, c) => sum + c.found, 0);
  const kept = v.counts.reduce((sum, c) => sum + c.kept, 0);
  if (v.leftOver.length === 0) {
    return found === 0
      ? 'The verification sweep found nothing of the subject left on the portal.'
      : `The verification sweep found only what is listed as kept (${plural(kept, 'items')}).`;
  }
  const what = v.leftOver
    .slice(0, 10)
    .map((item) => item.label ?? `${item.category} ${item.portalId}`)
    .join('; ');
  return `The verification sweep found ${plural(v.leftOver.length, 'items')} of the subject still on the portal that ${v.leftOver.length === 1 ? 'is' : 'are'} not listed as kept: ${what}${v.leftOver.length > 10 ? '; …' : ''}.`;
}
