import type { Role } from '@b24-gdpr/shared';
import {
  MeDocument,
  RequestSignInCodeDocument,
  SignInDocument,
  SignOutDocument,
} from '@b24-gdpr/shared/graphql';
import type { ApiClient } from '../api/client.ts';
import { normaliseApiUrl } from '../api/http-url.ts';
import { fail, ok } from '../api/outcome.ts';
import type { ExtensionSession, Outcome, SignedInUser } from '../messaging/protocol.ts';
import { apiUrlItem, rolesItem, tokenItem, userItem } from '../storage/items.ts';

/** The session as storage holds it; no API call (content scripts ask on every page). */
export async function getSession(): Promise<ExtensionSession> {
  const [apiUrl, token, user, roles] = await Promise.all([
    apiUrlItem.getValue(),
    tokenItem.getValue(),
    userItem.getValue(),
    rolesItem.getValue(),
  ]);
  const signedIn = token !== null;
  return { apiUrl, signedIn, user: signedIn ? user : null, roles: signedIn ? roles : [] };
}

/**
 * Re-reads the user and roles with `me` (the popup does on open: an admin right or auditor grant may
 * have changed). A refused token signs the extension out; an unreachable API keeps what is stored.
 */
export async function refreshSession(api: ApiClient): Promise<Outcome<ExtensionSession>> {
  if ((await tokenItem.getValue()) === null) return ok(await getSession());
  const me = await api.execute(MeDocument, {});
  if (!me.ok) {
    if (me.error.kind === 'auth') await clearSignIn();
    return me.error.kind === 'auth' ? ok(await getSession()) : me;
  }
  const { userId, roles, user } = me.value.me;
  const signedInUser: SignedInUser | null =
    userId === null ? null : { id: userId, name: user ? fullName(user) : String(userId) };
  await Promise.all([userItem.setValue(signedInUser), rolesItem.setValue(roles as Role[])]);
  return ok(await getSession());
}

/**
 * Stores the API address the user typed (an http(s) URL only). A token is only good for the API
 * that issued it, so a different address signs the extension out first.
 */
export async function adoptApiUrl(typed: string): Promise<Outcome<string>> {
  const apiUrl = normaliseApiUrl(typed);
  if (!apiUrl)
    return fail({ kind: 'invalid', field: 'apiUrl', message: 'The API address must be an http(s) URL.' });
  if (apiUrl !== (await apiUrlItem.getValue())) {
    await clearSignIn();
    await apiUrlItem.setValue(apiUrl);
  }
  return ok(apiUrl);
}

/** Stores the API address (an http(s) URL only) and asks the API to send a code as a portal notification. */
export async function requestSignInCode(
  api: ApiClient,
  data: { apiUrl: string; login: string },
): Promise<Outcome<null>> {
  if (!data.login.trim()) return fail({ kind: 'invalid', field: 'login', message: 'Enter your login.' });
  const apiUrl = await adoptApiUrl(data.apiUrl);
  if (!apiUrl.ok) return apiUrl;
  const sent = await api.execute(RequestSignInCodeDocument, { login: data.login.trim() }, { token: null });
  return sent.ok ? ok(null) : sent;
}

/** Exchanges the code for a token, then fills in user and roles with `me`. */
export async function signIn(
  api: ApiClient,
  data: { login: string; code: string },
): Promise<Outcome<ExtensionSession>> {
  const issued = await api.execute(
    SignInDocument,
    { login: data.login.trim(), code: data.code.trim() },
    { token: null },
  );
  if (!issued.ok) return issued;
  await tokenItem.setValue(issued.value.signIn.token);
  return refreshSession(api);
}

/** Revokes the token at the API if it can be reached; the extension forgets it either way. */
export async function signOut(api: ApiClient): Promise<ExtensionSession> {
  if ((await tokenItem.getValue()) !== null) await api.execute(SignOutDocument, {});
  await clearSignIn();
  return getSession();
}

async function clearSignIn(): Promise<void> {
  await Promise.all([tokenItem.removeValue(), userItem.removeValue(), rolesItem.removeValue()]);
}

const fullName = (user: { name: string | null; lastName: string | null }): string =>
  [user.name, user.lastName].filter(Boolean).join(' ');
