import type { EntityManager } from '@mikro-orm/core';
import { Bitrix24AuthError, MAX_BATCH_COMMANDS } from '../../../bitrix24/index.ts';
import { isTokenRevoked } from '../subject-credentials.ts';
import { DELETABLE_CATEGORIES } from './categories.ts';
import { type GroupChatMembers, groupDialogsOf, readGroupChatMembers } from './chat-members.ts';
import { collectSubjectContent } from './collect-content.ts';
import { addCollectedRows, ledgerIndex, ledgerKey, markSkipped } from './ledger.ts';
import { categoryDigests } from './plan.ts';
import { type ErasureClients, ITEM_KINDS } from './portal-items.ts';
import { checkItems } from './verify.ts';

export interface RecollectOptions {
  em: EntityManager;
  requestId: string;
  subjectUserId: number;
  clients: ErasureClients;
  /** The confirmed preview's per-category id digests (`ErasurePlan.categoryDigests`). */
  previewDigests: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
}

export interface Recollection {
  /** Categories whose ids differ from the preview's. */
  changed: string[];
  /** Ledger rows added (PENDING to delete, or KEPT with a reason). */
  added: number;
  /** PENDING rows that are gone from the portal already: SKIPPED, not deleted by us. */
  skipped: number;
  /**
   * Whether this collection (the inventory the deletions work from) was read with the subject's own
   * credentials, so it lists every chat of theirs. Absent in checkpoints written before it existed.
   */
  readAsSubject?: boolean;
  /**
   * The members of the group chats the ledger has messages in, read as the subject with this inventory:
   * after deactivation a message whose deletion answer was lost is read back through one of them
   * (`ErasureClients.groupChatMembers`). Absent when not read as the subject, or in older checkpoints.
   */
  groupChatMembers?: GroupChatMembers;
}

/**
 * Collects the plan again before anything is deleted, so the erasure erases what exists now rather than
 * what the preview saw. The policy (documented in ARCHITECTURE.md and on `eraseUser`): items that appeared
 * since the preview are erased too (or kept by the same rules as the preview's) and listed in the result
 * as added since the preview; items that disappeared since are skipped, not errors.
 *
 * A planned item missing from the new collection is read back before it is skipped: a collection may miss
 * what a reader cannot see (the subject's credentials may have stopped working since), and only a read
 * that would see the item proves it gone. Idempotent: rows already in the ledger are never added twice,
 * and only PENDING rows are ever skipped, so running it again after a crash changes nothing.
 */
export async function recollectPlan(options: RecollectOptions): Promise<Recollection> {
  const { em, requestId, subjectUserId, clients, signal } = options;
  const content = await collectSubjectContent({ ...clients, subjectUserId, signal });
  const ledger = await ledgerIndex(em, requestId);
  // The preview's fixed rows (the account, the audit trail) are not collected content.
  const fixed = new Set(['account', 'audit-trail']);
  const now = categoryDigests([...content.items, ...content.kept]);
  const before = Object.fromEntries(
    Object.entries(options.previewDigests ?? {}).filter(([category]) => !fixed.has(category)),
  );
  const changed = [...new Set([...Object.keys(before), ...Object.keys(now)])].filter(
    (category) => before[category] !== now[category],
  );
  const readAsSubject = content.readAsSubject;
  const members = await membersOfGroupChats(options, content.readAsSubject, [
    ...[...ledger.values()].filter((row) => row.category === 'chat-message').map((row) => row.portalId),
    ...content.items.filter((item) => item.category === 'chat-message').map((item) => item.portalId),
  ]);
  const groupChatMembers = members ? { groupChatMembers: members } : {};
  if (options.previewDigests && changed.length === 0)
    return { changed, added: 0, skipped: 0, readAsSubject, ...groupChatMembers };

  const added = await addCollectedRows(em, requestId, content);

  const found = new Set([...content.items, ...content.kept].map(ledgerKey));
  let skipped = 0;
  for (const category of DELETABLE_CATEGORIES) {
    const missing = [...ledger.values()].filter(
      (row) => row.category === category && row.state === 'PENDING' && !found.has(ledgerKey(row)),
    );
    const kind = ITEM_KINDS[category];
    for (let i = 0; i < missing.length; i += MAX_BATCH_COMMANDS) {
      // Only a reader who would see the item proves it gone; anything else stays PENDING and the
      // deletion step decides, as it would have without us.
      const checked = await checkItems(
        kind,
        missing.slice(i, i + MAX_BATCH_COMMANDS),
        { clients, deleter: clients.admin, subjectUserId, unprovable: 'present' },
        signal,
      ).catch((error: unknown) => {
        // The subject's credentials stopped working: nobody can tell whether these are gone.
        if (error instanceof Bitrix24AuthError && !isTokenRevoked(error)) return null;
        throw error;
      });
      if (!checked) break;
      await markSkipped(
        em,
        checked.gone.map((row) => row.id),
      );
      skipped += checked.gone.length;
    }
  }
  return { changed, added: added.length, skipped, readAsSubject, ...groupChatMembers };
}

/**
 * The group chats' members, read with the subject's credentials while they work (undefined otherwise):
 * a member is shown the list, the administrator of a chat it is not in is not.
 */
async function membersOfGroupChats(
  options: RecollectOptions,
  readAsSubject: boolean,
  portalIds: readonly string[],
): Promise<GroupChatMembers | undefined> {
  const { asSubject } = options.clients;
  if (!readAsSubject || !asSubject) return undefined;
  const dialogs = groupDialogsOf(portalIds);
  if (dialogs.length === 0) return undefined;
  return readGroupChatMembers(asSubject, dialogs, options.subjectUserId, options.signal).catch(
    (error: unknown) => {
      // Refused since the scan (not revoked: that ends the request): the administrator reads back.
      if (error instanceof Bitrix24AuthError && !isTokenRevoked(error)) return undefined;
      throw error;
    },
  );
}
