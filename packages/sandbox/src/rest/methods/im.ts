import { recordMessageEvent } from '../../events/im-v2.ts';
import type { PortalState } from '../../state/portal-state.ts';
import type { Chat, Message } from '../../state/types.ts';
import { formatDateTime } from '../envelope.ts';
import { methodError } from '../errors.ts';
import { DELETED_MESSAGE_TEXT, dialogMessageView, imUserView } from '../im-view.ts';
import { toBool } from '../params.ts';
import { type MethodContext, type MethodDef, ok } from '../registry.ts';
import { fullName } from '../user-view.ts';
import { checkAttach } from './im-notify.ts';

// Access errors answer 403, parameter errors 400: the message pages list "400, 403" without
// saying which is which (*unconfirmed*).
const accessError = () => methodError('ACCESS_ERROR', 'You do not have access to this dialog', 403);
const cantEdit = () =>
  methodError('CANT_EDIT_MESSAGE', "Time has expired for modification or you don't have access", 403);

/**
 * Resolves `DIALOG_ID` for the caller: `chatN` (members only: private chats stay invisible even
 * to administrators) or a user id (the caller's private chat with them, created when `create`).
 */
function resolveDialog(ctx: MethodContext, dialogId: string, create: boolean): Chat | null {
  const { portal, caller } = ctx;
  const chatMatch = dialogId.match(/^chat(\d+)$/i);
  if (chatMatch) {
    const chat = portal.state.chats.get(Number(chatMatch[1]));
    if (!chat) throw methodError('CHAT_ID_EMPTY', "Chat ID can't be empty");
    if (!chat.memberIds.includes(caller.ID)) throw accessError();
    return chat;
  }
  if (/^\d+$/.test(dialogId)) {
    const other = Number(dialogId);
    if (other <= 0 || !portal.state.user(other)) throw methodError('USER_ID_EMPTY', "User ID can't be empty");
    return (
      portal.state.privateChat(caller.ID, other) ??
      (create ? portal.build.privateChat(caller.ID, other) : null)
    );
  }
  // Workgroup chats (`sgN`) are not modelled.
  throw accessError();
}

function messageById(ctx: MethodContext): Message {
  const id = ctx.params.int('MESSAGE_ID');
  const m = id === undefined ? undefined : ctx.portal.state.messages.get(id);
  if (!m) throw methodError('MESSAGE_ID_ERROR', "Message ID can't be empty");
  return m;
}

/**
 * What `im.message.delete` leaves behind, as the platform's CIMMessenger::Delete (not a complete delete:
 * that is only an administrator's in the General chat, which the sandbox does not model) writes it: the text
 * becomes the language phrase IM_MESSAGE_DELETED, the parameters IS_DELETED 'Y' with URL_ID, FILE_ID,
 * KEYBOARD and ATTACH cleared and the rest (IS_EDITED, LIKE, …) kept; `im.dialog.messages.get` then reads
 * back that text and those parameters (Bitrix\Im\Chat::getMessages: MESSAGE and CIMMessageParam::Get).
 * Sources: avshatalov48/bitrix-core-business modules/im/classes/general/im_messenger.php (Delete),
 * modules/im/classes/general/im_message_param.php (Set drops empty values), modules/im/lib/chat.php
 * (getMessages), modules/im/lang/en/classes/general/im_messenger.php (the phrase); bitrix24/b24restdocs
 * api-reference/chats/messages/im-dialog-messages-get.md ("IS_DELETED – flag indicating that the message
 * is deleted").
 */
const CLEARED_ON_DELETE = ['URL_ID', 'FILE_ID', 'KEYBOARD', 'ATTACH'];

function softDelete(ctx: MethodContext, m: Message): void {
  m.deleted = true;
  m.text = DELETED_MESSAGE_TEXT;
  const kept = Object.entries(m.params).filter(([key]) => !CLEARED_ON_DELETE.includes(key));
  m.params = { ...Object.fromEntries(kept), IS_DELETED: 'Y' };
  recordMessageEvent(ctx.portal, 'ONIMV2MESSAGEDELETE', m);
}

/**
 * Who may delete another's message. `source` (the default) is the platform's own check,
 * CIMMessenger::CheckPossibilityUpdateMessage(IM_CHECK_DELETE) (bitrix-core-business im_messenger.php;
 * BITRIX24-APPS.md §10): an administrator,
 * when the author is a deactivated non-extranet user, in any chat (private chats included; no membership
 * is asked). `docs-and-source` is also the docs' "an administrator in a group chat": only group chats the
 * administrator is in, so never more permissive than either reading.
 */
export type MessageDeleteRule = 'source' | 'docs-and-source';

const deleteRules = new WeakMap<PortalState, MessageDeleteRule>();

/** Switches a portal's rule for deleting another's message (a test control; see MessageDeleteRule). */
export function setMessageDeleteRule(state: PortalState, rule: MessageDeleteRule): void {
  deleteRules.set(state, rule);
}

function mayDeleteOthers(ctx: MethodContext, m: Message): boolean {
  const { portal, caller } = ctx;
  const author = portal.state.user(m.authorId);
  const authorDeactivated =
    author !== undefined && author.ACTIVE === false && author.USER_TYPE !== 'extranet';
  if (!caller.isAdmin || !authorDeactivated) return false;
  if ((deleteRules.get(portal.state) ?? 'source') === 'source') return true;
  const chat = portal.state.chats.get(m.chatId);
  return chat !== undefined && chat.type !== 'private' && chat.memberIds.includes(caller.ID);
}

/** Newest first without LAST_ID/FIRST_ID or with LAST_ID; oldest first after FIRST_ID (*unconfirmed*). */
function selectMessages(chat: Chat, ctx: MethodContext): Message[] {
  const { params, portal } = ctx;
  const limit = Math.min(Math.max(params.int('LIMIT') ?? 20, 1), 50);
  const lastId = params.int('LAST_ID');
  const firstId = params.int('FIRST_ID');
  const ids = chat.messageIds;
  let picked: number[];
  if (firstId !== undefined) {
    picked = ids.filter((id) => id > firstId).slice(0, limit);
  } else {
    const below = lastId !== undefined ? ids.filter((id) => id < lastId) : ids;
    picked = below.slice(-limit).reverse();
  }
  return picked.map((id) => portal.state.messages.get(id)).filter((m): m is Message => m !== undefined);
}

export const imMethods: MethodDef[] = [
  {
    // api-reference/chats/messages/im-message-add.md
    name: 'im.message.add',
    handler: (ctx) => {
      const dialogId = ctx.params.str('DIALOG_ID') ?? '';
      if (dialogId === '') throw methodError('USER_ID_EMPTY', 'Recipient identifier is not specified');
      const chat = resolveDialog(ctx, dialogId, true) as Chat;
      const text = ctx.params.str('MESSAGE') ?? '';
      const attach = ctx.params.get('ATTACH');
      if (text.trim() === '' && (attach === undefined || attach === '')) {
        throw methodError('MESSAGE_EMPTY', 'Message text is not provided');
      }
      checkAttach(attach);
      const params: Record<string, unknown> = {};
      if (attach !== undefined && attach !== '') params.ATTACH = attach;
      const m = ctx.portal.build.message(chat.id, ctx.caller.ID, text, {
        system: toBool(ctx.params.get('SYSTEM') ?? 'N'),
        replyId: ctx.params.int('REPLY_ID') ?? null,
        params,
      });
      recordMessageEvent(ctx.portal, 'ONIMV2MESSAGEADD', m);
      return ok(m.id);
    },
  },
  {
    // api-reference/chats/messages/im-message-update.md: author only; empty MESSAGE deletes.
    name: 'im.message.update',
    handler: (ctx) => {
      const m = messageById(ctx);
      if (m.authorId !== ctx.caller.ID || m.deleted) throw cantEdit();
      const text = ctx.params.get('MESSAGE');
      if (text !== undefined && (text === null || String(text) === '')) {
        softDelete(ctx, m);
        return ok(true);
      }
      const attach = ctx.params.get('ATTACH');
      if (attach !== undefined) {
        checkAttach(attach);
        if (attach === 'N' || attach === '' || attach === null) delete m.params.ATTACH;
        else m.params.ATTACH = attach;
      }
      if (text !== undefined) {
        m.text = String(text);
        m.edited = true;
      } else if (attach !== undefined && toBool(ctx.params.get('IS_EDITED') ?? 'Y')) {
        m.edited = true;
      }
      recordMessageEvent(ctx.portal, 'ONIMV2MESSAGEUPDATE', m);
      return ok(true);
    },
  },
  {
    // api-reference/chats/messages/im-message-delete.md; who may: the author, or an administrator under
    // the portal's rule (mayDeleteOthers). Deleting a deleted message is refused, as the source's check
    // answers false for IS_DELETED 'Y' (the REST method then throws CANT_EDIT_MESSAGE, im_rest.php).
    name: 'im.message.delete',
    handler: (ctx) => {
      const m = messageById(ctx);
      const mayDelete = m.authorId === ctx.caller.ID || mayDeleteOthers(ctx, m);
      if (!mayDelete || m.deleted) throw cantEdit();
      softDelete(ctx, m);
      return ok(true);
    },
  },
  {
    // api-reference/chats/messages/im-dialog-messages-get.md: participants only.
    name: 'im.dialog.messages.get',
    handler: (ctx) => {
      const dialogId = ctx.params.str('DIALOG_ID') ?? '';
      if (dialogId === '') throw methodError('DIALOG_ID_EMPTY', "Dialog ID can't be empty");
      const chat = resolveDialog(ctx, dialogId, false);
      if (!chat) return ok({ messages: [], users: [], files: [], chat_id: 0 });
      const messages = selectMessages(chat, ctx);
      const authorIds = [
        ...new Set(messages.filter((m) => !m.system && m.authorId > 0).map((m) => m.authorId)),
      ];
      const users = authorIds
        .map((id) => ctx.portal.state.user(id))
        .filter((u) => u !== undefined)
        .map(imUserView);
      return ok({ messages: messages.map(dialogMessageView), users, files: [], chat_id: chat.id });
    },
  },
  {
    // api-reference/chats/chat-users/im-chat-user-list.md ("who can execute: chat participant"; "an
    // empty array indicates that the user does not have permission"). The platform's chatUserList
    // (bitrix-core-business im_rest.php) takes CHAT_ID (or DIALOG_ID chatN), answers CHAT_ID_EMPTY
    // without one, and returns CIMChat::GetChatData's userInChat for the caller: the member ids to a
    // member, [] to anyone else (an unknown chat included). The General chat (ACCESS_ERROR there) is
    // not modelled.
    name: 'im.chat.user.list',
    handler: (ctx) => {
      const dialog = ctx.params.str('DIALOG_ID');
      const byDialog = dialog?.match(/^chat(\d+)$/i);
      if (dialog !== undefined && dialog !== '' && !byDialog)
        throw methodError('DIALOG_ID_EMPTY', "Dialog ID can't be empty");
      const chatId = byDialog ? Number(byDialog[1]) : (ctx.params.int('CHAT_ID') ?? 0);
      if (chatId <= 0) throw methodError('CHAT_ID_EMPTY', "Chat ID can't be empty");
      const chat = ctx.portal.state.chats.get(chatId);
      return ok(chat?.memberIds.includes(ctx.caller.ID) ? [...chat.memberIds] : []);
    },
  },
  {
    // The caller's chats, newest activity first (chats/im-recent-list.md; a group chat's item carries its
    // `chat` object with entity_type/entity_id, e.g. TASKS_TASK for a task's chat).
    name: 'im.recent.list',
    handler: (ctx) => {
      const { params, portal, caller } = ctx;
      const skipChat = toBool(params.get('SKIP_CHAT') ?? 'N');
      const skipDialog = toBool(params.get('SKIP_DIALOG') ?? 'N');
      const offset = Math.max(params.int('OFFSET') ?? 0, 0);
      const limit = Math.min(Math.max(params.int('LIMIT') ?? 50, 1), 200);
      const chats = [...portal.state.chats.values()].filter(
        (c) =>
          c.memberIds.includes(caller.ID) &&
          !(skipChat && c.type !== 'private') &&
          !(skipDialog && c.type === 'private'),
      );
      const lastOf = (c: Chat) => {
        for (let i = c.messageIds.length - 1; i >= 0; i--) {
          const m = portal.state.messages.get(c.messageIds[i] as number);
          if (m) return m;
        }
        return undefined;
      };
      const rows = chats
        .map((c) => ({ c, last: lastOf(c) }))
        .sort((a, b) => (b.last?.date ?? b.c.dateCreate).localeCompare(a.last?.date ?? a.c.dateCreate));
      const items = rows.slice(offset, offset + limit).map(({ c, last }) => {
        const otherId = c.memberIds.find((id) => id !== caller.ID) ?? caller.ID;
        const other = portal.state.user(otherId);
        return {
          id: c.type === 'private' ? String(otherId) : `chat${c.id}`,
          chat_id: c.id,
          type: c.type === 'private' ? 'user' : 'chat',
          title: c.type === 'private' ? (other ? fullName(other) : '') : c.title,
          message: last
            ? { id: last.id, text: last.text, author_id: last.authorId, date: formatDateTime(last.date) }
            : null,
          ...(c.type === 'private'
            ? {}
            : {
                chat: {
                  id: c.id,
                  name: c.title,
                  owner: c.ownerId,
                  type: c.type,
                  entity_type: c.entity?.type ?? '',
                  entity_id: c.entity?.id ?? '',
                },
              }),
          counter: 0,
          pinned: false,
          unread: false,
          date_update: formatDateTime(last?.date ?? c.dateCreate),
        };
      });
      return ok({ items, hasMore: offset + limit < rows.length });
    },
  },
];
