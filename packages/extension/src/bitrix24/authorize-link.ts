import { urls, userAdmin } from './selectors.ts';

/**
 * The user an admin-list "Authorize" link logs in as (`user_admin.php?…action=authorize&ID=…`), or
 * null for any other link. Only same-origin links to the admin list count.
 */
export function authorizeTargetOf(href: string, base: URL): number | null {
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    return null;
  }
  if (url.origin !== base.origin || url.pathname !== urls.userAdminPath) return null;
  if (url.searchParams.get('action') !== userAdmin.authorizeAction) return null;
  const id = url.searchParams.get('ID') ?? '';
  if (!/^\d{1,15}$/.test(id) || Number(id) <= 0) return null;
  return Number(id);
}

/** The "Authorize" link a click landed in, with its target user, or null. */
export function authorizeLinkAt(
  target: EventTarget | null,
  base: URL,
): { link: Element; targetUserId: number } | null {
  if (!target || (target as Node).nodeType !== 1) return null;
  const link = (target as Element).closest(userAdmin.actionLink);
  const href = link?.getAttribute('href');
  if (!link || !href) return null;
  const targetUserId = authorizeTargetOf(href, base);
  return targetUserId === null ? null : { link, targetUserId };
}
