import type { Hono } from 'hono';
import { fullName } from '../rest/user-view.ts';
import type { SandboxRuntime } from '../runtime.ts';
import type { Chat, Message, User } from '../state/types.ts';
import { errorPage, guestPage } from './auth.ts';
import { type PageEnv, pageContext } from './context.ts';
import { html, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';
import { textWithBreaks } from './live-feed.ts';

/** Messages shown when a dialog opens, as the messenger's first load; `?count=` asks for more. */
export const DIALOG_PAGE_SIZE = 50;
const DIALOG_MAX_COUNT = 10_000;

/** The dialog id as the messenger uses it for `user`: the other member of a private chat, else `chatN`. */
export function dialogIdOf(chat: Chat, userId: number): string {
  if (chat.type === 'private') return String(chat.memberIds.find((id) => id !== userId) ?? userId);
  return `chat${chat.id}`;
}

function chatTitle(portal: SandboxRuntime, chat: Chat, userId: number): string {
  if (chat.type !== 'private') return chat.title || `Chat ${chat.id}`;
  const other = portal.state.user(Number(dialogIdOf(chat, userId)));
  return other ? fullName(other) : '';
}

function time(iso: string): string {
  return new Date(iso).toISOString().slice(11, 16);
}

/**
 * One message, after the im v2 message components (modules/im/install/js/im/v2/component/message/):
 * `div.bx-im-message-base__wrap[data-id]` (`--self`, `--opponent` or `--system`), the author in
 * `.bx-im-message-base__name`, the text in `.bx-im-message-base__text`, and
 * `div.bx-im-message-status__edit-mark` when the message was edited (not when deleted).
 */
export function messageItem(m: Message, author: User | undefined, viewerId: number): SafeHtml {
  const side = m.authorId === 0 ? '--system' : m.authorId === viewerId ? '--self' : '--opponent';
  const name =
    side === '--opponent'
      ? html`<div class="bx-im-message-base__name"><span class="bx-im-chat-title__text">${author ? fullName(author) : ''}</span></div>`
      : '';
  const body = m.deleted
    ? html`<div class="bx-im-message-deleted__container">This message was deleted</div>`
    : html`<div class="bx-im-message-base__text">${textWithBreaks(m.text)}</div>`;
  const edited =
    m.edited && !m.deleted ? html`<div class="bx-im-message-status__edit-mark">edited</div>` : '';
  return html`<div class="bx-im-message-base__wrap bx-im-message-base__scope ${side}" data-id="${m.id}">
<div class="bx-im-message-base__container"><div class="bx-im-message-base__body">${name}${body}
<div class="bx-im-message-base__bottom-container"><div class="bx-im-message-status__container">${edited}<div class="bx-im-message-status__date">${time(m.date)}</div></div></div>
</div></div>
</div>
`;
}

/** The recent list: the user's chats, latest message first, each opening its dialog in place. */
function recentList(portal: SandboxRuntime, user: User, current: Chat | null): SafeHtml {
  const lastDate = (c: Chat) => {
    const last = c.messageIds.at(-1);
    return (last !== undefined ? portal.state.messages.get(last)?.date : undefined) ?? c.dateCreate;
  };
  const chats = [...portal.state.chats.values()]
    .filter((c) => c.memberIds.includes(user.ID))
    .sort((a, b) => lastDate(b).localeCompare(lastDate(a)));
  return html`<div class="bx-im-list-recent__scope bx-im-list-recent__container">
${chats.map((c) => {
  const dialogId = dialogIdOf(c, user.ID);
  const active = current?.id === c.id ? ' --selected' : '';
  return html`<a class="bx-im-list-recent-item__wrap${active}" data-id="${dialogId}" href="/online/?IM_DIALOG=${encodeURIComponent(dialogId)}" data-slider>${chatTitle(portal, c, user.ID)}</a>\n`;
})}</div>`;
}

type Resolved = { chat: Chat | null; dialogId: string } | 'forbidden' | 'not-found';

/** `chatN` (members only, whatever the rights) or a user id (the private chat with them, maybe none yet). */
function resolveDialog(portal: SandboxRuntime, user: User, dialogId: string): Resolved {
  const chatMatch = dialogId.match(/^chat(\d+)$/i);
  if (chatMatch) {
    const chat = portal.state.chats.get(Number(chatMatch[1]));
    if (!chat) return 'not-found';
    return chat.memberIds.includes(user.ID) ? { chat, dialogId: `chat${chat.id}` } : 'forbidden';
  }
  if (/^\d+$/.test(dialogId) && portal.state.user(Number(dialogId))) {
    return { chat: portal.state.privateChat(user.ID, Number(dialogId)) ?? null, dialogId };
  }
  return 'not-found';
}

export function registerMessenger(app: Hono<PageEnv>, portal: SandboxRuntime): void {
  app.get('/online', (c) => {
    const ctx = pageContext(c, portal);
    const user = ctx.user;
    if (!user) return guestPage(c, ctx);
    const requested = c.req.query('IM_DIALOG');
    if (!requested) {
      return c.html(layout(ctx, { title: 'Messenger', content: recentList(portal, user, null) }));
    }
    const resolved = resolveDialog(portal, user, requested);
    if (resolved === 'not-found') return errorPage(c, ctx, 404, 'The chat was not found.');
    if (resolved === 'forbidden') return errorPage(c, ctx, 403, 'You do not have access to this chat.');
    const countParam = c.req.query('count');
    const count = Math.min(
      countParam && /^\d+$/.test(countParam) ? Math.max(Number(countParam), 1) : DIALOG_PAGE_SIZE,
      DIALOG_MAX_COUNT,
    );
    const { chat, dialogId } = resolved;
    const messages = (chat?.messageIds.slice(-count) ?? [])
      .map((id) => portal.state.messages.get(id))
      .filter((m): m is Message => m !== undefined);
    const title = chat ? chatTitle(portal, chat, user.ID) : fullName(portal.state.user(Number(dialogId))!);
    const content = html`<div class="bx-im-messenger__scope bx-im-messenger__container">
${recentList(portal, user, chat)}
<div class="bx-im-content-chat__container bx-im-dialog-chat__scope" data-dialog-id="${dialogId}">
<div class="bx-im-chat-header__scope"><div class="bx-im-chat-header__title">${title}</div></div>
<div class="bx-im-dialog-chat__scroll-container"><div class="bx-im-message-list__container">
${messages.map((m) => messageItem(m, portal.state.user(m.authorId), user.ID))}</div></div>
</div>
</div>`;
    return c.html(layout(ctx, { title, content, bodyClass: 'page-messenger' }));
  });
}
