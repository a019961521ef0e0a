import type { Bitrix24Client, ImMessage, ImRecentItem } from '../../../bitrix24/index.ts';
import { messageRef } from './categories.ts';
import { readCursorStreams } from './chained-pages.ts';

/** `im.dialog.messages.get` answers at most 50 messages per page. */
const MESSAGE_PAGE = 50;
/** `im.recent.list` answers at most 200 chats per page. */
const CHAT_PAGE = 200;

export interface FoundMessage {
  portalId: string;
  label: string;
}

export interface MessageScan {
  messages: FoundMessage[];
  /** Chats the reader is a member of but could not read, with the portal's answer. */
  unreadable: { chat: string; error: string }[];
}

/** The reader's chats (private and group), newest activity first. */
async function listChats(reader: Bitrix24Client, signal?: AbortSignal): Promise<ImRecentItem[]> {
  const chats = new Map<number, ImRecentItem>();
  for (let offset = 0; ; offset += CHAT_PAGE) {
    const page = await reader.call(
      'im.recent.list',
      { OFFSET: offset, LIMIT: CHAT_PAGE },
      signal ? { signal } : {},
    );
    for (const item of page.items ?? []) chats.set(Number(item.chat_id), item);
    if (!page.hasMore || (page.items ?? []).length === 0) return [...chats.values()];
  }
}

function chatLabel(chat: ImRecentItem): string {
  return chat.type === 'user' ? `private chat with user ${chat.id}` : `group chat «${chat.title}»`;
}

/** A deleted message stays in the chat as a stub (`IS_DELETED`); it is already gone. */
export function isDeletedStub(message: Pick<ImMessage, 'params'>): boolean {
  const params = message.params as Record<string, unknown> | null | undefined;
  return params !== null && typeof params === 'object' && params.IS_DELETED === 'Y';
}

/**
 * Every message `authorId` wrote in the chats `reader` belongs to. The portal lists a chat's messages
 * only to its members, so read as the subject to find all of theirs; read as an administrator, this
 * finds only those in chats shared with the administrator.
 */
export async function scanMessages(
  reader: Bitrix24Client,
  authorId: number,
  signal?: AbortSignal,
): Promise<MessageScan> {
  const chats = await listChats(reader, signal);
  const byKey = new Map(chats.map((chat) => [`c${chat.chat_id}`, chat]));
  const streams = chats.map((chat) => ({
    key: `c${chat.chat_id}`,
    method: 'im.dialog.messages.get',
    // Newest first; LAST_ID asks for the messages older than the last one seen.
    params: (cursor: string | number | undefined) => ({
      DIALOG_ID: String(chat.id),
      LIMIT: MESSAGE_PAGE,
      ...(cursor === undefined ? {} : { LAST_ID: cursor }),
    }),
    rowsPath: ['messages'],
    idField: 'id',
    pageSize: MESSAGE_PAGE,
  }));
  const messages = new Map<number, FoundMessage>();
  const unreadable: MessageScan['unreadable'] = [];
  for await (const page of readCursorStreams<ImMessage>(reader, streams, signal ? { signal } : {})) {
    const chat = byKey.get(page.key) as ImRecentItem;
    if ('error' in page) {
      unreadable.push({
        chat: chatLabel(chat),
        error: `${page.error.code} ${page.error.description}`.trim(),
      });
      continue;
    }
    for (const message of page.rows) {
      if (Number(message.author_id) !== authorId || isDeletedStub(message)) continue;
      messages.set(message.id, {
        portalId: messageRef(String(chat.id), message.id),
        label: `Message #${message.id} of ${message.date} in ${chatLabel(chat)}`,
      });
    }
  }
  return { messages: [...messages.values()], unreadable };
}
