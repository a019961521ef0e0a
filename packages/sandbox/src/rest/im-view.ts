import type { Message, User } from '../state/types.ts';
import { formatDateTime } from './envelope.ts';
import { fullName } from './user-view.ts';

/**
 * The text a deleted message keeps: the platform's phrase IM_MESSAGE_DELETED (English), see im.ts softDelete.
 */
export const DELETED_MESSAGE_TEXT = 'This message has been deleted.';

/** A message as im.dialog.messages.get lists it (api-reference/chats/messages/im-dialog-messages-get.md). */
export function dialogMessageView(m: Message): Record<string, unknown> {
  let params: Record<string, unknown> | null = Object.keys(m.params).length > 0 ? { ...m.params } : null;
  if (m.edited) params = { ...(params ?? {}), IS_EDITED: 'Y' };
  // A deleted message reads back as its tombstone (im.ts, softDelete), also one seeded as deleted.
  if (m.deleted) params = { ...(params ?? {}), IS_DELETED: 'Y' };
  return {
    id: m.id,
    chat_id: m.chatId,
    author_id: m.system ? 0 : m.authorId,
    date: formatDateTime(m.date),
    text: m.deleted ? DELETED_MESSAGE_TEXT : m.text,
    params,
  };
}

/** The `users` entries of im.dialog.messages.get. */
export function imUserView(u: User): Record<string, unknown> {
  const b = u.PERSONAL_BIRTHDAY;
  return {
    id: u.ID,
    name: fullName(u),
    first_name: u.NAME,
    last_name: u.LAST_NAME,
    work_position: u.WORK_POSITION,
    color: '#df532d',
    avatar: u.PERSONAL_PHOTO,
    gender: u.PERSONAL_GENDER,
    birthday: b === '' ? '' : `${b.slice(8, 10)}-${b.slice(5, 7)}`,
    extranet: u.USER_TYPE === 'extranet',
    network: false,
    bot: false,
    connector: false,
    external_auth_id: 'default',
    status: 'online',
    idle: false,
    last_activity_date: u.LAST_ACTIVITY_DATE === '' ? false : formatDateTime(u.LAST_ACTIVITY_DATE),
    mobile_last_date: false,
    departments: [...u.UF_DEPARTMENT],
    absent: false,
    phones: {
      work_phone: u.WORK_PHONE,
      personal_mobile: u.PERSONAL_MOBILE,
      personal_phone: u.PERSONAL_PHONE,
    },
  };
}
