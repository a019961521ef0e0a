import type { Bitrix24Client, BlogComment, BlogPost, ImMessage, Params } from '../../../bitrix24/index.ts';
import { type DeletableCategory, parseMessageRef, parseTaskCommentRef, REASONS } from './categories.ts';
import { isDeletedStub } from './collect-messages.ts';

export interface ErasureClients {
  /** An administrator's client. */
  admin: Bitrix24Client;
  /** The subject's own client, when we hold their credentials. */
  asSubject?: Bitrix24Client | undefined;
  /**
   * Whether the subject's account is deactivated: only then may an administrator delete their messages
   * (in group chats the administrator belongs to; BITRIX24-APPS.md §10).
   */
  subjectDeactivated?: boolean | undefined;
}

interface Command {
  method: string;
  params: Params;
}

/** How to delete one kind of item, and how to read it back to learn whether it is still there. */
export interface ItemKind {
  category: DeletableCategory;
  /** Who deletes (and reads back); undefined when nobody we hold credentials for may. */
  client(clients: ErasureClients): Bitrix24Client | undefined;
  /** Why items are kept when `client` gives nobody. */
  noClientReason: string;
  deleteCommand(portalId: string): Command;
  existsCommand(portalId: string, subjectUserId: number): Command;
  /** Reads the answer of `existsCommand`. */
  stillThere(result: unknown, portalId: string): boolean;
  /**
   * Whether "not found" when read back by this client proves the item is gone, rather than merely
   * invisible to it (an administrator does not see posts addressed only to others).
   */
  readBackProves(asSubject: boolean): boolean;
}

const comment: ItemKind = {
  category: 'live-feed-comment',
  // Administrators may delete any comment (and read anyone's with log.blogcomment.user.get).
  client: (c) => c.admin,
  noClientReason: '',
  deleteCommand: (id) => ({ method: 'log.blogcomment.delete', params: { COMMENT_ID: id } }),
  // No method reads one comment by id: ask for the subject's first comment from this id on.
  existsCommand: (id, subjectUserId) => ({
    method: 'log.blogcomment.user.get',
    params: { USER_ID: subjectUserId, FIRST_ID: Number(id) - 1, LIMIT: 1 },
  }),
  stillThere: (result, id) =>
    ((result as { comments?: BlogComment[] } | null)?.comments ?? []).some((c) => String(c.id) === id),
  readBackProves: () => true,
};

const message: ItemKind = {
  category: 'chat-message',
  // im.message.delete: the author; an administrator only once the author is deactivated, and only in
  // group chats (the portal's check is narrower than its docs: BITRIX24-APPS.md §10).
  client: (c) => c.asSubject ?? (c.subjectDeactivated ? c.admin : undefined),
  noClientReason: REASONS.noSubjectCredentials,
  deleteCommand: (id) => ({
    method: 'im.message.delete',
    params: { MESSAGE_ID: parseMessageRef(id).messageId },
  }),
  // Newest first below LAST_ID, so LAST_ID = id + 1 with LIMIT 1 answers this message if it exists.
  existsCommand: (id) => {
    const { dialogId, messageId } = parseMessageRef(id);
    return {
      method: 'im.dialog.messages.get',
      params: { DIALOG_ID: dialogId, LAST_ID: messageId + 1, LIMIT: 1 },
    };
  },
  stillThere: (result, id) => {
    const { messageId } = parseMessageRef(id);
    const messages = (result as { messages?: ImMessage[] } | null)?.messages ?? [];
    return messages.some((m) => Number(m.id) === messageId && !isDeletedStub(m));
  },
  // Only the author's reading proves a message gone: an administrator's "not there" may just be a chat
  // it is not in, or a private chat whose dialog id names someone else from its side.
  readBackProves: (asSubject) => asSubject,
};

const post: ItemKind = {
  category: 'live-feed-post',
  // The author always sees and may delete their post; an administrator only the posts visible to them.
  client: (c) => c.asSubject ?? c.admin,
  noClientReason: '',
  deleteCommand: (id) => ({ method: 'log.blogpost.delete', params: { POST_ID: id } }),
  existsCommand: (id) => ({ method: 'log.blogpost.get', params: { POST_ID: id } }),
  stillThere: (result, id) => ((result as BlogPost[] | null) ?? []).some((p) => String(p.ID) === id),
  readBackProves: (asSubject) => asSubject,
};

const taskComment: ItemKind = {
  category: 'task-comment',
  // task.commentitem.delete: the author, or an administrator (task-comment-item-delete.md), who also sees
  // every task.
  client: (c) => c.admin,
  noClientReason: '',
  deleteCommand: (id) => {
    const { taskId, commentId } = parseTaskCommentRef(id);
    return { method: 'task.commentitem.delete', params: { TASKID: taskId, ITEMID: commentId } };
  },
  // getlist rather than get: get answers "not found" as an error, which would read as unreadable. The
  // portal maps the parameters by position, so TASKID, ORDER, FILTER stay in this order.
  existsCommand: (id) => {
    const { taskId, commentId } = parseTaskCommentRef(id);
    return {
      method: 'task.commentitem.getlist',
      params: { TASKID: taskId, ORDER: { ID: 'asc' }, FILTER: { ID: commentId } },
    };
  },
  stillThere: (result, id) => {
    const { commentId } = parseTaskCommentRef(id);
    return ((result as { ID?: unknown }[] | null) ?? []).some((c) => Number(c.ID) === commentId);
  },
  readBackProves: () => true,
};

export const ITEM_KINDS: Record<DeletableCategory, ItemKind> = {
  'live-feed-comment': comment,
  'chat-message': message,
  'task-comment': taskComment,
  'live-feed-post': post,
};
