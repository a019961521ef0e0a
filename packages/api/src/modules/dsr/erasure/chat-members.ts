import { type Bitrix24Client, MAX_BATCH_COMMANDS, runRawBatch } from '../../../bitrix24/index.ts';
import { parseMessageRef } from './categories.ts';

/**
 * The members of the subject's group chats (`chatN` dialog id → user ids, the subject left out), read
 * with the subject's own credentials during the inventory. After deactivation nobody but a member can
 * read a group chat's messages back (im.dialog.messages.get: participants only), and the administrator
 * often is none: a resumed run reads a deletion left in doubt through a member we hold credentials for.
 */
export type GroupChatMembers = Record<string, number[]>;

/** The group dialogs (`chatN`) of chat-message ledger ids, each once (`not-listed` rows have none). */
export function groupDialogsOf(portalIds: Iterable<string>): string[] {
  const dialogs = new Set<string>();
  for (const portalId of portalIds) {
    if (!/^chat\d+:\d+$/i.test(portalId)) continue;
    dialogs.add(parseMessageRef(portalId).dialogId);
  }
  return [...dialogs];
}

/**
 * `im.chat.user.list` per chat, 50 a batch, as `reader` (a member: others are answered `[]`, and the
 * General chat ACCESS_ERROR; chat-users/im-chat-user-list.md). A chat answered with an error or with no
 * one else is left out: its messages are read back by the administrator, as without this record.
 */
export async function readGroupChatMembers(
  reader: Bitrix24Client,
  dialogIds: readonly string[],
  subjectUserId: number,
  signal?: AbortSignal,
): Promise<GroupChatMembers> {
  const members: GroupChatMembers = {};
  for (let i = 0; i < dialogIds.length; i += MAX_BATCH_COMMANDS) {
    const chunk = dialogIds.slice(i, i + MAX_BATCH_COMMANDS);
    const commands = chunk.map((dialogId, n) => ({
      key: `m${n}`,
      method: 'im.chat.user.list',
      params: { CHAT_ID: Number(dialogId.slice('chat'.length)) },
    }));
    const results = await runRawBatch(reader, commands, signal ? { signal } : {});
    chunk.forEach((dialogId, n) => {
      const item = results.get(`m${n}`);
      if (item?.status !== 'ok' || !Array.isArray(item.result)) return;
      const others = (item.result as unknown[]).map(Number).filter((id) => Number.isInteger(id) && id > 0);
      const rest = [...new Set(others)].filter((id) => id !== subjectUserId);
      if (rest.length > 0) members[dialogId] = rest;
    });
  }
  return members;
}
