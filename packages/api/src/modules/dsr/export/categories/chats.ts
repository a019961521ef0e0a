import { defineCategory } from '../category.ts';
import { id, text } from '../cells.ts';
import { type SubjectChat, subjectChats } from '../portal/subject-chats.ts';

export const chats = defineCategory<SubjectChat>({
  name: 'chats',
  title: 'Your chats',
  about: 'The chats and private conversations you are in, as your Bitrix24 messenger lists them.',
  source: 'portal',
  columns: [
    { name: 'chat_id', about: 'Number of the chat in Bitrix24.', value: (c) => c.chatId },
    {
      name: 'dialog_id',
      about:
        'How the messenger addresses the chat: the other person\'s user number for a private chat, "chat" and a number otherwise.',
      value: (c) => id(c.dialogId),
    },
    {
      name: 'type',
      about: 'private = a conversation between two people; chat or open = a group chat.',
      value: (c) => text(c.type),
    },
    {
      name: 'title',
      about: "Name of the chat; for a private chat, the other person's name.",
      value: (c) => text(c.title),
    },
    {
      name: 'task_id',
      about:
        "For a task's chat, the number of the task: in the new task card, task comments are this chat's messages.",
      value: (c) => c.taskId,
    },
  ],
  async *rows(ctx) {
    const found = await subjectChats(ctx);
    if (!found.readable) {
      ctx.notAccessible({ code: found.code, reason: found.reason });
      return;
    }
    yield* found.chats;
  },
});
