import { Bitrix24AuthError, type ImRecentItem } from '../../../../bitrix24/index.ts';
import type { CredentialStatus } from '../../../portal/connect.ts';
import { isTokenRevoked } from '../../subject-credentials.ts';
import type { CategoryContext } from '../category.ts';

export interface SubjectChat {
  /** What `im.dialog.messages.get` takes: a user id for a private chat, `chatN` otherwise. */
  dialogId: string;
  chatId: number;
  type: string;
  title: string;
  /** The task whose chat this is (the new task card keeps a task's comments there), else null. */
  taskId: number | null;
}

export type SubjectChats =
  | { readable: true; chats: SubjectChat[] }
  | { readable: false; code: string; reason: string };

/** im.recent.list's `chat.entity_type` of a task's chat (tasks-new.md). */
const TASK_CHAT = 'TASKS_TASK';

/** `im.recent.list` answers at most 200 items a page. */
const RECENT_PAGE = 200;

export const NO_CREDENTIALS_REASON =
  'Bitrix24 shows chat messages only to the people in the chat, even to administrators, and this ' +
  "system holds no credentials of yours to read them with. Ask the administrator to connect your account's " +
  'webhook, or read your chats in the Bitrix24 messenger.';

/**
 * The subject's chats, read once per export as the subject (`im.recent.list` lists the caller's own
 * chats). The list is held in memory: it is one row per chat, small beside the messages in them.
 */
export function subjectChats(ctx: CategoryContext): Promise<SubjectChats> {
  return ctx.shared('subject-chats', async (): Promise<SubjectChats> => {
    const client = ctx.sources.asSubject;
    if (!client) return withoutCredentials(ctx.sources.subjectCredentials);
    const chats: SubjectChat[] = [];
    const seen = new Set<number>();
    try {
      for (let offset = 0; ; offset += RECENT_PAGE) {
        ctx.signal?.throwIfAborted();
        const page = await client.call(
          'im.recent.list',
          { SKIP_OPENLINES: 'Y', OFFSET: offset, LIMIT: RECENT_PAGE },
          { signal: ctx.signal },
        );
        for (const item of page.items) {
          const chat = toChat(item);
          if (chat && !seen.has(chat.chatId)) {
            seen.add(chat.chatId);
            chats.push(chat);
          }
        }
        if (!page.hasMore || page.items.length === 0) break;
      }
    } catch (error) {
      // A revoked token ends the export (SubjectTokenRevokedError): half the chats is no export.
      if (!(error instanceof Bitrix24AuthError) || isTokenRevoked(error)) throw error;
      return {
        readable: false,
        code: error.code,
        reason: `The portal refused the credentials we hold for you (${error.code}), so your chats could not be read.`,
      };
    }
    return { readable: true, chats };
  });
}

/** Chats cannot be read: the manifest says why, in the connection's words where it gave them. */
function withoutCredentials(status: CredentialStatus | undefined): SubjectChats {
  if (!status || status.state === 'usable') {
    return { readable: false, code: 'NO_SUBJECT_CREDENTIALS', reason: NO_CREDENTIALS_REASON };
  }
  const code = status.state === 'dead' ? 'SUBJECT_TOKEN_DEAD' : 'NO_SUBJECT_CREDENTIALS';
  const why =
    status.state === 'dead'
      ? `The credentials this system held for you no longer work (${status.reason}); opening Bitrix24 hands it new ones.`
      : `This system holds no credentials of yours (${status.reason}).`;
  return {
    readable: false,
    code,
    reason: `Bitrix24 shows chat messages only to the people in the chat, even to administrators. ${why}`,
  };
}

function toChat(item: ImRecentItem): SubjectChat | null {
  const chatId = Number(item.chat_id);
  if (!Number.isSafeInteger(chatId) || chatId <= 0) return null;
  return {
    dialogId: String(item.id),
    chatId,
    type: item.type === 'user' ? 'private' : String(item.type),
    title: typeof item.title === 'string' ? item.title : '',
    taskId: item.chat?.entity_type === TASK_CHAT ? Number(item.chat.entity_id) || null : null,
  };
}
