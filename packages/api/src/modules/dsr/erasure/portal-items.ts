import type { Bitrix24Client, BlogComment, BlogPost, ImMessage, Params } from '../../../bitrix24/index.ts';
import { type DeletableCategory, parseMessageRef, parseTaskCommentRef, REASONS } from './categories.ts';
import type { GroupChatMembers } from './chat-members.ts';
import { isDeletedStub } from './collect-messages.ts';

export interface ErasureClients {
  /** An administrator's client. */
  admin: Bitrix24Client;
  /** The administrator's user id, where known: its private chat with the subject is read from its side. */
  adminUserId?: number | undefined;
  /** The subject's own client, when we hold their credentials (usable while the account is active). */
  asSubject?: Bitrix24Client | undefined;
  /**
   * Whether the subject's account is deactivated: only then may an administrator delete their messages
   * (BITRIX24-APPS.md §10), and their own credentials stop working.
   */
  subjectDeactivated?: boolean | undefined;
  /**
   * Another user's own client, where we hold their credentials: the other person of a private chat reads
   * a deleted message back, which the administrator cannot (private chats are private even from it).
   */
  readerFor?: ((userId: number) => Promise<Bitrix24Client | undefined>) | undefined;
  /**
   * The subject's group chats' members as the inventory read them (`Recollection.groupChatMembers`):
   * who else may read a group chat's message back once the subject's credentials are gone.
   */
  groupChatMembers?: GroupChatMembers | undefined;
}

interface Command {
  method: string;
  params: Params;
}

/** Who reads an item back, with what; `proves`: whether "not there" to this reader means gone. */
export interface ReadBack {
  client: Bitrix24Client;
  command: Command;
  proves: boolean;
  /**
   * Whether the answer shows the item at all (as it is, or as the portal's tombstone). When given and
   * false, "not there" proves nothing: this reader may just not be shown it.
   */
  shows?: (result: unknown) => boolean;
}

/** How to delete one kind of item, and how to read it back to learn whether it is still there. */
export interface ItemKind {
  category: DeletableCategory;
  /** Who deletes; undefined when nobody we hold credentials for may (yet). */
  client(clients: ErasureClients): Bitrix24Client | undefined;
  /** Who deletes what `client` was refused (the author, while active); undefined when nobody else. */
  fallback?(clients: ErasureClients): Bitrix24Client | undefined;
  /** Why items are kept when `client` gives nobody. */
  noClientReason: string;
  deleteCommand(portalId: string, subjectUserId: number): Command;
  /** Undefined when nobody we hold credentials for can read the item. */
  readBack(
    portalId: string,
    subjectUserId: number,
    clients: ErasureClients,
    deleter: Bitrix24Client,
  ): ReadBack | undefined | Promise<ReadBack | undefined>;
  /** Reads the answer of the read-back command. */
  stillThere(result: unknown, portalId: string): boolean;
}

/** The author's own client while the account is active; their credentials stop with it. */
function activeSubject(c: ErasureClients): Bitrix24Client | undefined {
  return c.subjectDeactivated ? undefined : c.asSubject;
}

const comment: ItemKind = {
  category: 'live-feed-comment',
  // With the administrator's credentials, in the author's name: USER_ID ("the user performing the
  // deletion", administrators only; log-blogcomment-delete.md), so the author's right to delete applies.
  client: (c) => c.admin,
  noClientReason: '',
  deleteCommand: (id, subjectUserId) => ({
    method: 'log.blogcomment.delete',
    params: { COMMENT_ID: id, USER_ID: subjectUserId },
  }),
  // No method reads one comment by id: ask for the subject's first comment from this id on (an
  // administrator reads anyone's with log.blogcomment.user.get).
  readBack: (id, subjectUserId, c) => ({
    client: c.admin,
    command: {
      method: 'log.blogcomment.user.get',
      params: { USER_ID: subjectUserId, FIRST_ID: Number(id) - 1, LIMIT: 1 },
    },
    proves: true,
  }),
  stillThere: (result, id) =>
    ((result as { comments?: BlogComment[] } | null)?.comments ?? []).some((c) => String(c.id) === id),
};

const message: ItemKind = {
  category: 'chat-message',
  // im.message.delete by the administrator, once the author is deactivated: the platform's own check
  // (CheckPossibilityUpdateMessage) allows it then, in any chat (BITRIX24-APPS.md §10). The run
  // deactivates the account after taking the inventory with the subject's credentials and before this.
  client: (c) => (c.subjectDeactivated ? c.admin : undefined),
  noClientReason: REASONS.noSubjectCredentials,
  deleteCommand: (id) => ({
    method: 'im.message.delete',
    params: { MESSAGE_ID: parseMessageRef(id).messageId },
  }),
  // Read by a participant (im.dialog.messages.get: participants only): the subject while active (the
  // ledger id is the dialog as they see it); then in a group chat a member we hold usable credentials
  // of, the administrator first (groupChatReader); in the administrator's own private chat with the
  // subject the administrator, in any other the other person. Newest first below LAST_ID, so
  // LAST_ID = id + 1 with LIMIT 1 answers this message if it exists.
  readBack: async (id, subjectUserId, c) => {
    const { dialogId, messageId } = parseMessageRef(id);
    const read = (client: Bitrix24Client, dialog: string): ReadBack => ({
      client,
      command: {
        method: 'im.dialog.messages.get',
        params: { DIALOG_ID: dialog, LAST_ID: messageId + 1, LIMIT: 1 },
      },
      proves: true,
    });
    const subject = activeSubject(c);
    if (subject) return read(subject, dialogId);
    if (/^chat\d+$/i.test(dialogId)) {
      const reader = await groupChatReader(c, c.groupChatMembers?.[dialogId], subjectUserId);
      if (!reader || reader === c.admin) return reader ? read(reader, dialogId) : undefined;
      // Another member may have joined with the chat's history hidden from them: only the message
      // itself, as the tombstone im.message.delete leaves, proves it deleted to them.
      return {
        ...read(reader, dialogId),
        shows: (result) => answered(result).some((m) => Number(m.id) === messageId),
      };
    }
    const other = Number(dialogId);
    if (other === c.adminUserId) return read(c.admin, String(subjectUserId));
    const reader = await c.readerFor?.(other);
    return reader ? read(reader, String(subjectUserId)) : undefined;
  },
  stillThere: (result, id) => {
    const { messageId } = parseMessageRef(id);
    return answered(result).some((m) => Number(m.id) === messageId && !isDeletedStub(m));
  },
};

function answered(result: unknown): ImMessage[] {
  return (result as { messages?: ImMessage[] } | null)?.messages ?? [];
}

/**
 * Who reads a group chat's message back: the administrator when the inventory found it a member (or
 * recorded no members: an older checkpoint, a chat it could not list; its answer then says whether it
 * may), else the first other member whose own credentials are usable now. Undefined when none is.
 */
async function groupChatReader(
  c: ErasureClients,
  members: readonly number[] | undefined,
  subjectUserId: number,
): Promise<Bitrix24Client | undefined> {
  if (!members || (c.adminUserId !== undefined && members.includes(c.adminUserId))) return c.admin;
  for (const userId of members) {
    if (userId === subjectUserId) continue;
    const reader = await c.readerFor?.(userId);
    if (reader) return reader;
  }
  // The administrator's id unknown: it may still be a member.
  return c.adminUserId === undefined ? c.admin : undefined;
}

const post: ItemKind = {
  category: 'live-feed-post',
  // log.blogpost.delete: "administrator or message author" (log-blogpost-delete.md). The administrator
  // deletes; a post it is refused (one it cannot see: addressed only to others) the author deletes while
  // the account is still active.
  client: (c) => c.admin,
  fallback: activeSubject,
  noClientReason: '',
  deleteCommand: (id) => ({ method: 'log.blogpost.delete', params: { POST_ID: id } }),
  // The author always sees their post; the administrator's "not there" may be a post it cannot see.
  readBack: (id, _subject, c) => {
    const subject = activeSubject(c);
    return {
      client: subject ?? c.admin,
      command: { method: 'log.blogpost.get', params: { POST_ID: id } },
      proves: subject !== undefined,
    };
  },
  stillThere: (result, id) => ((result as BlogPost[] | null) ?? []).some((p) => String(p.ID) === id),
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
  readBack: (id, _subject, c) => {
    const { taskId, commentId } = parseTaskCommentRef(id);
    return {
      client: c.admin,
      command: {
        method: 'task.commentitem.getlist',
        params: { TASKID: taskId, ORDER: { ID: 'asc' }, FILTER: { ID: commentId } },
      },
      proves: true,
    };
  },
  stillThere: (result, id) => {
    const { commentId } = parseTaskCommentRef(id);
    return ((result as { ID?: unknown }[] | null) ?? []).some((c) => Number(c.ID) === commentId);
  },
};

export const ITEM_KINDS: Record<DeletableCategory, ItemKind> = {
  'live-feed-comment': comment,
  'chat-message': message,
  'task-comment': taskComment,
  'live-feed-post': post,
};
