import { Bitrix24AuthError } from '../../../bitrix24/index.ts';
import { isTokenRevoked } from '../subject-credentials.ts';
import { REASONS } from './categories.ts';
import { collectComments, collectPosts } from './collect-live-feed.ts';
import { type MessageScan, scanMessages } from './collect-messages.ts';
import { collectTaskComments } from './collect-task-comments.ts';
import { collectWorkRecords } from './collect-work-records.ts';
import type { KeptItem, PlanItem } from './plan.ts';
import type { ErasureClients } from './portal-items.ts';

export interface CollectOptions extends ErasureClients {
  /** False for a deactivated account: its webhooks stop with it, so `asSubject` is not even tried. */
  subjectActive?: boolean;
  subjectUserId: number;
  /**
   * The deletions work from an inventory read with the subject's own credentials while the account was
   * active (the sweep, after deactivation): what the administrator cannot list was listed then.
   */
  inventoriedAsSubject?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

export interface SubjectContent {
  items: PlanItem[];
  kept: KeptItem[];
  /** Whether the subject's own credentials were used (chats are listed only to their members). */
  readAsSubject: boolean;
  /** Places the portal refused to show: what is there is unknown (the sweep counts each as left over). */
  unreadable: { category: 'chat-message' | 'task-comment'; where: string; error: string }[];
  notes: string[];
}

/** The ledger id of a kept row standing for what the reader could not list: never portal content. */
export const NOT_LISTED = 'not-listed';

export const NOTES = {
  postsTakeComments:
    'Deleting a Live Feed post also removes the comments other people wrote under it; their own posts and comments elsewhere stay.',
  stubs:
    'Deleted chat messages stay in their chats as "message deleted" placeholders without text: that is how Bitrix24 shows them.',
  postsAsAdmin:
    "Without the subject's credentials only the posts visible to the administrator could be listed; posts addressed only to others were not found.",
  inventoried:
    "Chat messages and posts were inventoried with the subject's own credentials while the account was active; " +
    'the administrator deleted each after deactivating it, and the portal confirmed each deletion. Chats and ' +
    'posts the administrator cannot see were checked through that inventory, not read again.',
  outOfScope:
    "Drive files, CRM records and notifications are not part of this erasure; the profile's anonymisation removes the name from them.",
} as const;

/**
 * Everything of the subject's on the portal that an erasure deletes or keeps, item by item. The preview
 * shows it, the run collects it again before deleting (items added since the preview), and the
 * verification sweep once more at the end: one reading of the portal for all three.
 */
export async function collectSubjectContent(options: CollectOptions): Promise<SubjectContent> {
  const { admin, subjectUserId, signal } = options;
  const notes: string[] = [];
  const items: PlanItem[] = [];
  const kept: KeptItem[] = [];

  let asSubject = options.subjectActive === false ? undefined : options.asSubject;
  let scan: MessageScan | undefined;
  if (asSubject) {
    try {
      scan = await scanMessages(asSubject, subjectUserId, signal);
    } catch (error) {
      // A revoked token ends the request (SubjectTokenRevokedError); other refusals read as the admin.
      if (!(error instanceof Bitrix24AuthError) || isTokenRevoked(error)) throw error;
      asSubject = undefined;
    }
  }
  if ((!scan || !asSubject) && options.inventoriedAsSubject) {
    scan = await scanMessages(admin, subjectUserId, signal);
    notes.push(NOTES.inventoried);
  } else if (!scan || !asSubject) {
    // The administrator deletes what it can see once the account is deactivated (the run deactivates
    // it first in this case); what it cannot see is an exception of every such run, never "kept".
    scan = await scanMessages(admin, subjectUserId, signal);
    kept.push({
      category: 'chat-message',
      portalId: NOT_LISTED,
      label: 'Messages in chats the administrator is not a member of',
      reason: REASONS.notListed,
    });
    kept.push({
      category: 'live-feed-post',
      portalId: NOT_LISTED,
      label: 'Live Feed posts addressed only to others',
      reason: REASONS.postsNotListed,
    });
  }
  for (const m of scan.messages) items.push({ category: 'chat-message', ...m });
  for (const { chat, error } of scan.unreadable) {
    notes.push(`The messages in ${chat} could not be read (${error}); any there are kept.`);
  }

  const comments = await collectComments(asSubject ?? admin, subjectUserId, signal);
  const posts = await collectPosts(asSubject ?? admin, subjectUserId, signal);
  const taskComments = await collectTaskComments(admin, subjectUserId, signal);
  items.push(...comments, ...taskComments.items, ...posts);
  for (const { task, error } of taskComments.unreadable) {
    notes.push(`The comments on task #${task} could not be read (${error}); any there are kept.`);
  }
  const unreadable: SubjectContent['unreadable'] = [
    ...scan.unreadable.map(({ chat, error }) => ({ category: 'chat-message' as const, where: chat, error })),
    ...taskComments.unreadable.map(({ task, error }) => ({
      category: 'task-comment' as const,
      where: `task #${task}`,
      error,
    })),
  ];
  if (!asSubject && !options.inventoriedAsSubject) notes.push(NOTES.postsAsAdmin);
  if (posts.length > 0) notes.push(NOTES.postsTakeComments);
  if (items.some((item) => item.category === 'chat-message')) notes.push(NOTES.stubs);

  const work = await collectWorkRecords(admin, subjectUserId, signal);
  kept.push(...work.kept);
  notes.push(...work.notes, NOTES.outOfScope);
  return { items, kept, readAsSubject: Boolean(asSubject), notes, unreadable };
}
