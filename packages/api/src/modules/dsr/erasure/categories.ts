/**
 * What an erasure deletes, what it keeps, and why. The reasons are shown to the administrator before
 * confirming and stored with every kept ledger row, so they are written for that reader.
 */

/** Deleted, in this order: comments before posts, because deleting a post takes its comments along. */
export const DELETABLE_CATEGORIES = [
  'live-feed-comment',
  'chat-message',
  'task-comment',
  'live-feed-post',
] as const;
export type DeletableCategory = (typeof DELETABLE_CATEGORIES)[number];

export const KEPT_CATEGORIES = ['account', 'task', 'calendar-event', 'audit-trail'] as const;
export type KeptCategory = (typeof KEPT_CATEGORIES)[number];

export type ErasureCategory = DeletableCategory | KeptCategory;

export const CATEGORY_ORDER: readonly ErasureCategory[] = [...DELETABLE_CATEGORIES, ...KEPT_CATEGORIES];

export const CATEGORY_LABELS: Record<ErasureCategory, string> = {
  'live-feed-comment': 'Live Feed comments',
  'chat-message': 'chat messages',
  'task-comment': 'task comments',
  'live-feed-post': 'Live Feed posts',
  account: 'user account',
  task: 'tasks',
  'calendar-event': 'calendar events',
  'audit-trail': 'b24-gdpr audit trail',
};

export function isDeletableCategory(category: string): category is DeletableCategory {
  return (DELETABLE_CATEGORIES as readonly string[]).includes(category);
}

export const REASONS = {
  account:
    'Bitrix24 has no REST method to delete a user: the profile is anonymised and the account deactivated instead.',
  noSubjectCredentials:
    'No credentials of the subject, and the account is still active: the portal lets only the author delete a message.',
  subjectCredentialsRefused:
    "The subject's credentials no longer work (a deactivated account's webhooks stop with it): the portal lets only the author delete a message.",
  unconfirmed:
    'An interrupted deletion could not be read back (no credentials of the subject any more): whether it went through cannot be confirmed.',
  notListed:
    'No credentials of the subject: the portal lists a chat only to its members, so messages in chats the administrator is not a member of could be neither counted nor deleted. The request ends with this as an exception.',
  postsNotListed:
    'No credentials of the subject: the administrator does not see posts addressed only to others, so such posts could be neither counted nor deleted. The request ends with this as an exception.',
  task:
    "A task is a shared work record of the company (creator, assignee, auditors, the project's history); Art. 17 " +
    "does not require deleting other people's work records. It no longer names the subject once the profile is anonymised.",
  calendarEvent:
    'A calendar event is a shared work record (attendees, rooms, the schedule of others); Art. 17 does not require ' +
    'deleting it. It no longer names the subject once the profile is anonymised.',
  auditTrail:
    "Kept under Art. 17(3)(e) and Art. 5(2): this system's record that the request was made and carried out is " +
    'needed to demonstrate compliance. It refers to the subject only by a keyed pseudonym.',
} as const;

/**
 * A task comment's ledger id is `<taskId>:<commentId>`: `task.commentitem.delete` and `.getlist` name the
 * task as well as the comment.
 */
export function taskCommentRef(taskId: number | string, commentId: number | string): string {
  return `${taskId}:${commentId}`;
}

export function parseTaskCommentRef(portalId: string): { taskId: number; commentId: number } {
  const [task, comment, ...rest] = portalId.split(':');
  const taskId = Number(task);
  const commentId = Number(comment);
  if (
    rest.length > 0 ||
    !Number.isInteger(taskId) ||
    taskId < 1 ||
    !Number.isInteger(commentId) ||
    commentId < 1
  )
    throw new TypeError(`not a task comment ledger id: ${portalId}`);
  return { taskId, commentId };
}

/**
 * A chat message's ledger id is `<dialogId>:<messageId>` (`chat12:345`, or `7:345` for the private chat
 * with user 7 as the subject sees it): deleting needs only the message id, but reading it back to
 * verify a deletion needs the dialog as well, and the ledger has no other column for it.
 */
export function messageRef(dialogId: string, messageId: number): string {
  return `${dialogId}:${messageId}`;
}

export function parseMessageRef(portalId: string): { dialogId: string; messageId: number } {
  const at = portalId.lastIndexOf(':');
  const messageId = Number(portalId.slice(at + 1));
  if (at < 1 || !Number.isInteger(messageId) || messageId < 1) {
    throw new TypeError(`not a chat message ledger id: ${portalId}`);
  }
  return { dialogId: portalId.slice(0, at), messageId };
}
