import { urls } from './selectors.ts';

export type PageKind = 'profile' | 'liveFeed' | 'messenger' | 'userAdmin' | 'other';

/** Which Bitrix24 page a URL is (BITRIX24.md "Pages"); anything else is `other`. */
export function pageKindOf(url: URL): PageKind {
  const path = url.pathname;
  if (urls.profilePath.test(path)) return 'profile';
  if (urls.liveFeedPaths.includes(path)) return 'liveFeed';
  if (urls.messengerPath.test(path)) return 'messenger';
  if (path === urls.userAdminPath) return 'userAdmin';
  return 'other';
}

/** The user id of a profile URL, or null for any other page. */
export function profileUserIdOf(url: URL): number | null {
  const match = urls.profilePath.exec(url.pathname);
  if (!match?.[1]) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** The open messenger dialog (`IM_DIALOG`: a user id or `chat{N}`), or null. */
export function dialogIdOf(url: URL): string | null {
  if (!urls.messengerPath.test(url.pathname)) return null;
  const dialog = url.searchParams.get(urls.messengerDialogParam);
  return dialog && /^(chat)?\d+$/i.test(dialog) ? dialog : null;
}
