import type { Bitrix24Error, ImMessage } from '../../../../bitrix24/index.ts';
import { defineCategory } from '../category.ts';
import { id, text, yesNo } from '../cells.ts';
import { type ChainedList, readChainedLists } from '../portal/chained-pages.ts';
import { type SubjectChat, subjectChats } from '../portal/subject-chats.ts';

/** `im.dialog.messages.get` answers at most 50 messages a call. */
const PAGE = 50;

interface ChatList extends ChainedList<ImMessage> {
  chat: SubjectChat;
}

interface MessageRow {
  chat: SubjectChat;
  message: ImMessage;
}

function flag(params: unknown, name: string): boolean {
  return typeof params === 'object' && params !== null && (params as Record<string, unknown>)[name] === 'Y';
}

/**
 * Every message of every chat of the subject is paged through as the subject, newest first, chained
 * on `LAST_ID` (the method has no `start`); the subject's own are kept. First pages of many chats
 * share one request; a long chat then gets requests of 50 pages (2,500 messages) to itself.
 */
export const chatMessages = defineCategory<MessageRow>({
  name: 'chat-messages',
  title: 'Chat messages you wrote',
  about:
    'The messages you wrote in the chats listed in chats.csv, newest first within each chat. Messages of ' +
    'other people are not included. Deleted messages are listed with an empty text.',
  source: 'portal',
  columns: [
    { name: 'message_id', about: 'Number of the message in Bitrix24.', value: (r) => id(r.message.id) },
    { name: 'chat_id', about: 'Number of the chat (see chats.csv).', value: (r) => r.chat.chatId },
    {
      name: 'chat_title',
      about: 'Name of the chat when the export was made.',
      value: (r) => text(r.chat.title),
    },
    {
      name: 'task_id',
      about: "For a message in a task's chat (a comment in the new task card), the number of the task.",
      value: (r) => r.chat.taskId,
    },
    {
      name: 'sent_at',
      about: 'When you sent the message (ISO 8601, with the time zone offset).',
      value: (r) => text(r.message.date),
    },
    {
      name: 'text',
      about: 'The text of the message, with Bitrix24 formatting codes.',
      value: (r) => text(r.message.text),
    },
    {
      name: 'edited',
      about: 'yes when the message was changed after it was sent.',
      value: (r) => yesNo(flag(r.message.params, 'IS_EDITED')),
    },
    {
      name: 'deleted',
      about: 'yes when the message was deleted (its text is then gone).',
      value: (r) => yesNo(flag(r.message.params, 'IS_DELETED')),
    },
  ],
  async *rows(ctx) {
    const found = await subjectChats(ctx);
    const client = ctx.sources.asSubject;
    if (!found.readable || !client) {
      if (!found.readable) ctx.notAccessible({ code: found.code, reason: found.reason });
      return;
    }
    const subject = ctx.sources.subjectUserId;
    const lists: ChatList[] = found.chats.map((chat) => ({
      chat,
      method: 'im.dialog.messages.get',
      params: { DIALOG_ID: chat.dialogId, LIMIT: PAGE },
      cursorParam: 'LAST_ID',
      itemsPath: ['messages'],
      idField: 'id',
      pageSize: PAGE,
      direction: 'older',
    }));
    for await (const page of readChainedLists<ImMessage, ChatList>(client, lists, { signal: ctx.signal })) {
      if ('error' in page) {
        ctx.notAccessible({
          item: `chat ${page.list.chat.chatId} (${page.list.chat.title})`,
          code: page.error.code,
          reason: describe(page.error),
          partial: page.rowsBefore > 0,
        });
        continue;
      }
      for (const message of page.rows) {
        if (Number(message.author_id) === subject) yield { chat: page.list.chat, message };
      }
    }
  },
});

function describe(error: Bitrix24Error): string {
  return `The portal refused to list this chat's messages (${error.code}${error.description ? `: ${error.description}` : ''}).`;
}
