import { ACTION_PATTERN } from './audit.service.ts';

/**
 * What a portal user's token may write with `recordEvents`: the edits and deletions their extension saw
 * in a page (also while impersonating: `onBehalfOfId`). Everything else in the log is written by the API
 * itself when it does the thing (settings, rights, impersonation sessions, sign-in…), so a user, whatever
 * their role, must not be able to add such events by hand. A user's report is what they witnessed: a text
 * becomes a version only once the portal confirms it (`edits/confirm-witnessed.ts`). Integrators with
 * `audit:write` relay any action outside the product's own namespaces (`RESERVED_ACTION_NAMESPACES` in
 * @b24-gdpr/shared), which `recordEvents` refuses with a ReservedActionError.
 */
export const USER_RECORDABLE_ACTIONS: ReadonlySet<string> = new Set([
  'post.edited',
  'post.deleted',
  'comment.edited',
  'comment.deleted',
  'message.edited',
  'message.deleted',
]);

/**
 * No event of the batch names an action a user may not report; otherwise the whole batch is refused.
 * A malformed action name is left to validation, which names the event and the rule.
 */
export function userMayRecord(actions: readonly string[]): boolean {
  return actions.every((action) => USER_RECORDABLE_ACTIONS.has(action) || !ACTION_PATTERN.test(action));
}
