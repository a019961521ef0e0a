import type { PageIdentity } from '../messaging/protocol.ts';
import { requestPageGlobals, sessionKeyOf } from './page-globals.ts';

/** Who the page says is signed in, with the session token hashed (the raw token goes no further). */
export async function readPageIdentity(win: Window = window): Promise<PageIdentity> {
  const globals = await requestPageGlobals(win);
  return {
    portalOrigin: win.location.origin,
    userId: globals?.userId ?? null,
    sessionKey: globals?.sessid ? await sessionKeyOf(globals.sessid) : null,
  };
}

/** The logout URL of this page's session; the sessid is asked for at the moment it is needed. */
export async function logoutUrl(win: Window = window): Promise<string | null> {
  const globals = await requestPageGlobals(win);
  if (!globals?.sessid) return null;
  const url = new URL('/', win.location.origin);
  url.searchParams.set('logout', 'yes');
  url.searchParams.set('sessid', globals.sessid);
  return url.href;
}
