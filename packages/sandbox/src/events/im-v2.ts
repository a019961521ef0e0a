import { formatDateTime } from '../rest/envelope.ts';
import { formatDateField } from '../rest/format.ts';
import { fullName } from '../rest/user-view.ts';
import type { SandboxRuntime } from '../runtime.ts';
import type { Chat, Message, User } from '../state/types.ts';

/**
 * `im.v2` events for polling (api-reference/chat-bots/chat-bots-v2/im.v2/events/*.md):
 * a subscribed user's log gets ONIMV2MESSAGEADD / UPDATE / DELETE for chats they are in;
 * records live 24 hours or until acknowledged with `offset`. Payloads follow events.md
 * (shortened `chat` and `user`). Unconfirmed details, all in this file: `dialogId` of a private
 * chat is the other member's id as seen by the subscriber; `language` is always 'en'; the `chat`
 * and `user` objects carry only the fields events.md's example shows.
 */
export const IM_EVENT_RETENTION_MS = 24 * 60 * 60 * 1000;

export type ImEventType = 'ONIMV2MESSAGEADD' | 'ONIMV2MESSAGEUPDATE' | 'ONIMV2MESSAGEDELETE';

export function v2Message(m: Message): Record<string, unknown> {
  return {
    id: m.id,
    chatId: m.chatId,
    authorId: m.authorId,
    date: formatDateTime(m.date),
    text: m.text,
    isSystem: m.system,
    uuid: '',
    forward: null,
    params: m.deleted ? { IS_DELETED: 'Y' } : m.edited ? { ...m.params, IS_EDITED: 'Y' } : { ...m.params },
    viewedByOthers: false,
  };
}

export function v2Chat(chat: Chat, viewerId: number): Record<string, unknown> {
  const other = chat.memberIds.find((id) => id !== viewerId) ?? viewerId;
  return {
    id: chat.id,
    dialogId: chat.type === 'private' ? String(other) : `chat${chat.id}`,
    name: chat.title,
    type: chat.type,
    messageType: chat.type === 'private' ? 'P' : chat.type === 'open' ? 'O' : 'C',
    owner: chat.ownerId,
    color: '#ab7761',
    avatar: '',
    description: '',
    extranet: false,
    containsCollaber: false,
    entityType: '',
    entityId: '',
    entityData1: '',
    entityData2: '',
    entityData3: '',
    entityLink: {},
    diskFolderId: 0,
    permissions: {},
    parentChatId: 0,
    parentMessageId: 0,
    isNew: false,
    textFieldEnabled: 'Y',
    backgroundId: null,
  };
}

export function v2User(u: User | undefined, id: number): Record<string, unknown> {
  return {
    id,
    active: u?.ACTIVE ?? false,
    name: u ? fullName(u) : '',
    firstName: u?.NAME ?? '',
    lastName: u?.LAST_NAME ?? '',
    workPosition: u?.WORK_POSITION ?? '',
    color: '#df532d',
    avatar: u?.PERSONAL_PHOTO ?? '',
    gender: u?.PERSONAL_GENDER ?? '',
    birthday: u ? formatDateField(u.PERSONAL_BIRTHDAY) : '',
    extranet: u?.USER_TYPE === 'extranet',
    bot: false,
    connector: false,
    externalAuthId: 'default',
    status: 'online',
    idle: false,
    lastActivityDate: false,
    mobileLastDate: false,
    desktopLastDate: false,
    absent: false,
    departments: u ? [...u.UF_DEPARTMENT] : [],
    phones: false,
    website: u?.PERSONAL_WWW ?? '',
    email: u?.EMAIL ?? '',
    type: u?.USER_TYPE ?? 'employee',
  };
}

function prune(portal: SandboxRuntime): void {
  const cutoff = Date.now() - IM_EVENT_RETENTION_MS;
  const s = portal.state;
  if (s.imEvents.length > 0 && (s.imEvents[0]?.at ?? 0) < cutoff)
    s.imEvents = s.imEvents.filter((e) => e.at >= cutoff);
}

/** Appends an event to the log of every subscribed member of the message's chat. */
export function recordMessageEvent(portal: SandboxRuntime, type: ImEventType, message: Message): void {
  const s = portal.state;
  const chat = s.chats.get(message.chatId);
  if (!chat || s.imSubscribers.size === 0) return;
  prune(portal);
  const now = Date.now();
  for (const userId of chat.memberIds) {
    if (!s.imSubscribers.has(userId)) continue;
    const base = {
      chat: v2Chat(chat, userId),
      user: v2User(s.user(message.authorId), message.authorId),
      language: 'en',
    };
    const data =
      type === 'ONIMV2MESSAGEDELETE'
        ? { messageId: message.id, ...base }
        : { message: v2Message(message), ...base };
    s.imEvents.push({ id: s.nextId('imEvent'), type, userId, date: formatDateTime(now), at: now, data });
  }
}

/** `im.v2.Event.get`: acknowledges events below `offset`, returns up to `limit` from there. */
export function readEvents(
  portal: SandboxRuntime,
  userId: number,
  offset: number | undefined,
  limit: number,
): { events: unknown[]; nextOffset: number | null; hasMore: boolean } {
  prune(portal);
  const s = portal.state;
  if (offset !== undefined) s.imEvents = s.imEvents.filter((e) => e.userId !== userId || e.id >= offset);
  const mine = s.imEvents.filter((e) => e.userId === userId && (offset === undefined || e.id >= offset));
  const page = mine.slice(0, limit);
  const last = page.at(-1);
  return {
    events: page.map((e) => ({ eventId: e.id, type: e.type, date: e.date, data: e.data })),
    nextOffset: last ? last.id + 1 : (offset ?? null),
    hasMore: mine.length > page.length,
  };
}
