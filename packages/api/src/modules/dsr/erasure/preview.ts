import {
  type B24User,
  Bitrix24AuthError,
  type Bitrix24Client,
  command,
  isUserActive,
} from '../../../bitrix24/index.ts';
import { anonymousEmail } from '../anonymise/profile-fields.ts';
import { REASONS } from './categories.ts';
import { collectComments, collectPosts } from './collect-live-feed.ts';
import { type MessageScan, scanMessages } from './collect-messages.ts';
import { collectWorkRecords } from './collect-work-records.ts';
import { NotAdministratorError, SubjectAlreadyErasedError, UnknownSubjectError } from './errors.ts';
import { buildPlan, type ErasurePlan, type KeptItem, type PlanItem } from './plan.ts';

export interface PreviewOptions {
  /** An administrator's client. */
  portal: Bitrix24Client;
  /** The subject's own client, when we hold their credentials: only the author may delete a message. */
  asSubject?: Bitrix24Client | undefined;
  subjectUserId: number;
  signal?: AbortSignal;
}

/**
 * Deactivated, with the anonymous e-mail that only our anonymisation writes: erased, or anonymised by
 * the dismissed-employee policy. Which of the two depends on whether content is left.
 */
export function looksErased(user: B24User): boolean {
  return !isUserActive(user) && user.EMAIL === anonymousEmail(Number(user.ID));
}

/** Looks the subject up and checks the admin client in one request. */
export async function lookUpSubject(
  portal: Bitrix24Client,
  subjectUserId: number,
  signal?: AbortSignal,
): Promise<B24User> {
  if (!Number.isInteger(subjectUserId) || subjectUserId < 1) throw new UnknownSubjectError([subjectUserId]);
  const answer = await portal.batch(
    {
      subject: command('user.get', { FILTER: { ID: subjectUserId }, ADMIN_MODE: true }),
      admin: command('user.admin'),
    },
    signal ? { signal } : {},
  );
  if (answer.admin.status === 'error') throw answer.admin.error;
  if (answer.admin.status === 'ok' && answer.admin.result !== true) throw new NotAdministratorError();
  if (answer.subject.status === 'error') throw answer.subject.error;
  const user = answer.subject.status === 'ok' ? answer.subject.result[0] : undefined;
  if (!user || Number(user.ID) !== subjectUserId) throw new UnknownSubjectError([subjectUserId]);
  return user;
}

const NOTES = {
  postsTakeComments:
    'Deleting a Live Feed post also removes the comments other people wrote under it; their own posts and comments elsewhere stay.',
  stubs:
    'Deleted chat messages stay in their chats as "message deleted" placeholders without text: that is how Bitrix24 shows them.',
  postsAsAdmin:
    "Without the subject's credentials only the posts visible to the administrator could be listed; posts addressed only to others were not found.",
  outOfScope:
    "Drive files, CRM records and notifications are not part of this erasure; the profile's anonymisation removes the name from them.",
} as const;

/**
 * What an erasure of `subjectUserId` will delete and keep, item by item, with a digest of that list.
 * Reads only. Throws UnknownSubjectError, NotAdministratorError, or SubjectAlreadyErasedError when
 * the profile is anonymous, the account inactive and nothing is left to delete.
 */
export async function previewErasure(options: PreviewOptions): Promise<ErasurePlan> {
  const { portal, subjectUserId, signal } = options;
  const subject = await lookUpSubject(portal, subjectUserId, signal);

  const notes: string[] = [];
  const items: PlanItem[] = [];
  const kept: KeptItem[] = [
    {
      category: 'account',
      portalId: String(subjectUserId),
      label: `User account #${subjectUserId}`,
      reason: REASONS.account,
    },
    {
      category: 'audit-trail',
      portalId: 'b24-gdpr',
      label: "This system's record of the request and of what it did",
      reason: REASONS.auditTrail,
    },
  ];

  // A deactivated account's webhooks stop working, so its credentials are no use.
  let asSubject = isUserActive(subject) ? options.asSubject : undefined;
  let messageReason: string = options.asSubject
    ? REASONS.subjectCredentialsRefused
    : REASONS.noSubjectCredentials;
  let scan: MessageScan | undefined;
  if (asSubject) {
    try {
      scan = await scanMessages(asSubject, subjectUserId, signal);
    } catch (error) {
      if (!(error instanceof Bitrix24AuthError)) throw error;
      asSubject = undefined;
      messageReason = REASONS.subjectCredentialsRefused;
    }
  }
  if (scan && asSubject) {
    for (const m of scan.messages) items.push({ category: 'chat-message', ...m });
  } else {
    // Show what the administrator can see, kept, and say that the rest could not even be counted.
    scan = await scanMessages(portal, subjectUserId, signal);
    for (const m of scan.messages) kept.push({ category: 'chat-message', ...m, reason: messageReason });
    kept.push({
      category: 'chat-message',
      portalId: 'not-listed',
      label: 'Messages in chats the administrator is not a member of',
      reason: REASONS.notListed,
    });
  }
  for (const { chat, error } of scan.unreadable) {
    notes.push(`The messages in ${chat} could not be read (${error}); any there are kept.`);
  }

  const comments = await collectComments(asSubject ?? portal, subjectUserId, signal);
  const posts = await collectPosts(asSubject ?? portal, subjectUserId, signal);
  items.push(...comments, ...posts);
  if (!asSubject) notes.push(NOTES.postsAsAdmin);
  if (posts.length > 0) notes.push(NOTES.postsTakeComments);
  if (items.some((item) => item.category === 'chat-message')) notes.push(NOTES.stubs);

  const work = await collectWorkRecords(portal, subjectUserId, signal);
  kept.push(...work.kept);
  notes.push(...work.notes, NOTES.outOfScope);
  // Anonymised and deactivated (by an erasure, or by the dismissed-employee policy) with content left
  // to delete is still worth erasing; with nothing left, it is done.
  if (looksErased(subject) && items.length === 0) throw new SubjectAlreadyErasedError(subjectUserId);
  return buildPlan(subjectUserId, items, kept, notes);
}
