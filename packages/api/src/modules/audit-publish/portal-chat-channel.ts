import type { Bitrix24Client } from '../../bitrix24/index.ts';
import type { ImMessage } from '../../bitrix24/shapes.ts';
import type { TreeHead } from '../audit/audit-tree-head.ts';
import type { HeadChannel, PublicationFinding, PublishedHead } from './head-channel.ts';
import { headFromMessage, headMessage } from './head-text.ts';

/** The pair the chat is made with and found again by (im.chat.get), so it is created once per portal. */
export const HEAD_CHAT_ENTITY = { ENTITY_TYPE: 'B24_GDPR_AUDIT', ENTITY_ID: 'tree-heads' } as const;

/**
 * Heads as messages in a chat of the portal's own, made by the API's webhook user. The portal keeps the
 * chat's history and marks edits and deletions (`IS_EDITED`, `IS_DELETED`), which nobody with only our
 * database can undo: a head message edited or deleted is itself a finding. Only the webhook user's
 * messages count; other members' are chatter.
 */
export function portalChatChannel(client: Bitrix24Client, publisherUserId: number): HeadChannel {
  let chatId: number | null = null;
  const findChat = async (create: boolean) => {
    if (chatId !== null) return chatId;
    const found = await client.call('im.chat.get', HEAD_CHAT_ENTITY);
    if (found?.ID) chatId = found.ID;
    else if (create)
      chatId = await client.call('im.chat.add', {
        ...HEAD_CHAT_ENTITY,
        TYPE: 'CHAT',
        TITLE: 'Audit log: signed tree heads',
        DESCRIPTION:
          'b24-gdpr posts a signed head of the audit log here every hour. Do not edit or delete these messages: auditors compare the log with them.',
      });
    return chatId;
  };
  return {
    channel: 'portal-chat',
    target: 'portal',
    async publish(head: TreeHead) {
      const chat = (await findChat(true))!;
      const messageId = await client.call('im.message.add', {
        DIALOG_ID: `chat${chat}`,
        MESSAGE: headMessage(head),
      });
      return { chatId: chat, messageId };
    },
    async read() {
      const heads: PublishedHead[] = [];
      const findings: PublicationFinding[] = [];
      const chat = await findChat(false);
      if (chat === null) return { heads, findings };
      for (const m of await allMessages(client, chat)) {
        const found = headIn(m, chat, publisherUserId);
        if (found && 'head' in found) heads.push(found);
        else if (found) findings.push(found);
      }
      return { heads, findings };
    },
    async latest() {
      const chat = await findChat(false);
      if (chat === null) return null;
      // Newest first: the first page holding a head of ours holds the newest (the largest, unless forged).
      for await (const page of messagePages(client, chat)) {
        const heads = page.map((m) => headIn(m, chat, publisherUserId)).filter(isHead);
        if (heads.length > 0) return heads.reduce((a, b) => (b.head.treeSize > a.head.treeSize ? b : a));
      }
      return null;
    },
  };
}

const isHead = (found: PublishedHead | PublicationFinding | null): found is PublishedHead =>
  found !== null && 'head' in found;

/**
 * What one message of the chat holds: a head the publisher posted, a finding (its head message deleted,
 * edited or unreadable), or nothing (another member's message, chatter).
 */
function headIn(
  m: ImMessage,
  chat: number,
  publisherUserId: number,
): PublishedHead | PublicationFinding | null {
  if (m.author_id !== publisherUserId) return null;
  const where = `portal chat ${chat}, message ${m.id}`;
  const params = (Array.isArray(m.params) ? {} : (m.params ?? {})) as Record<string, unknown>;
  if (params.IS_DELETED === 'Y')
    return {
      channel: 'portal-chat',
      where,
      message: `A message the publisher posted in the portal's head chat (${where}, ${m.date}) was deleted: a published head was removed.`,
    };
  const parsed = headFromMessage(m.text);
  if (parsed === null) return null;
  if (params.IS_EDITED === 'Y')
    return {
      channel: 'portal-chat',
      where,
      message: `The head message ${where} was edited after it was posted: a published head was changed.`,
    };
  if ('malformed' in parsed)
    return {
      channel: 'portal-chat',
      where,
      message: `The head message ${where} is unreadable: ${parsed.malformed}.`,
    };
  return { head: parsed, channel: 'portal-chat', where };
}

/** Every message of the chat, newest first. */
async function allMessages(client: Bitrix24Client, chat: number): Promise<ImMessage[]> {
  const all: ImMessage[] = [];
  for await (const page of messagePages(client, chat)) all.push(...page);
  return all;
}

/** The chat's messages a page at a time, newest first, 50 a request (the method's most). */
async function* messagePages(client: Bitrix24Client, chat: number): AsyncGenerator<ImMessage[]> {
  let lastId: number | undefined;
  for (;;) {
    const page = await client.call('im.dialog.messages.get', {
      DIALOG_ID: `chat${chat}`,
      LIMIT: 50,
      ...(lastId === undefined ? {} : { LAST_ID: lastId }),
    });
    if (page.messages.length === 0) return;
    yield page.messages;
    lastId = Math.min(...page.messages.map((m) => m.id));
  }
}
