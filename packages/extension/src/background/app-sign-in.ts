import { CompleteAppSignInDocument, StartAppSignInDocument } from '@b24-gdpr/shared/graphql';
import type { ApiClient } from '../api/client.ts';
import { fail } from '../api/outcome.ts';
import { type ExtensionSession, type Outcome, sendMessage } from '../messaging/protocol.ts';
import { tokenItem } from '../storage/items.ts';
import { adoptApiUrl, refreshSession, signOut } from './auth.ts';

const TAB_LOAD_MS = 30_000;
const CONTENT_SCRIPT_TRIES = 20;
const CONTENT_SCRIPT_RETRY_MS = 500;

/**
 * The extension's sign-in through the app page, with no code typed (ARCHITECTURE.md, "Sign-in
 * through the app page"). The background alone holds the PKCE verifier and runs the two API steps,
 * from the extension's own origin (the API refuses them from any other); the portal tab's content
 * script only carries the challenge into our frame and the one-time code back.
 */
export async function signInThroughPortal(
  api: ApiClient,
  data: { apiUrl: string; portalUrl: string },
): Promise<Outcome<ExtensionSession>> {
  const apiUrl = await adoptApiUrl(data.apiUrl);
  if (!apiUrl.ok) return apiUrl;
  const apiOrigin = new URL(apiUrl.value).origin;
  const tab = await findPortalTab(data.portalUrl, apiOrigin);
  if (!tab.ok) return tab;
  const portalOrigin = tab.value.origin;

  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  const started = await api.execute(
    StartAppSignInDocument,
    { portalUrl: portalOrigin, challenge },
    { token: null },
  );
  if (!started.ok) {
    if (started.error.kind !== 'notFound') return started;
    // Webhook mode, or an API whose application is installed on another portal.
    return fail({
      kind: 'notFound',
      field: 'portalUrl',
      message: `This API has no Bitrix24 application installed on ${portalOrigin}. Sign in with a code instead.`,
    });
  }
  const { appPageUrl } = started.value.startAppSignIn;
  if (new URL(appPageUrl).origin !== portalOrigin)
    return fail({
      kind: 'unknown',
      message: 'The API named an app page on another site; it was not opened.',
    });

  // The app page of that portal, in the tab the user had open (or a new one).
  const tabId = await openAppPage(tab.value.tabId, appPageUrl);
  const handed = await askContentScript(tabId, { challenge, apiOrigin });
  if (!handed.ok) return handed;

  const issued = await api.execute(
    CompleteAppSignInDocument,
    { code: handed.value.code, verifier },
    { token: null },
  );
  if (!issued.ok) return issued;
  await tokenItem.setValue(issued.value.completeAppSignIn.token);
  const session = await refreshSession(api);
  // A frame injected into the portal page with someone else's frame session would sign the
  // extension in as them: the user must be the one the portal page says is signed in.
  const pageUser = handed.value.pageUserId;
  if (session.ok && pageUser !== null && session.value.user?.id !== pageUser) {
    await signOut(api);
    return fail({
      kind: 'refused',
      message:
        'The app page answered for another user than the one signed in to the portal; nothing was kept.',
    });
  }
  return session;
}

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');

const originOf = (url: string | undefined): string | null => {
  try {
    const parsed = new URL(url ?? '');
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : null;
  } catch {
    return null;
  }
};

/**
 * The portal the user named, or the one in their active tab, or the one they used last. Tabs whose
 * address we may not read (no host permission) are not portals we work on, and the API is not one.
 */
async function findPortalTab(
  portalUrl: string,
  apiOrigin: string,
): Promise<Outcome<{ origin: string; tabId: number | null }>> {
  const named = portalUrl.trim() ? originOf(portalUrl.trim()) : null;
  if (portalUrl.trim() && !named)
    return fail({
      kind: 'invalid',
      field: 'portalUrl',
      message: 'The portal address must be an http(s) URL.',
    });
  const tabs = (await browser.tabs.query({}))
    .filter((t) => t.id !== undefined && originOf(t.url) && originOf(t.url) !== apiOrigin)
    .sort((a, b) => Number(b.active) - Number(a.active) || (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0));
  const found = named ? tabs.find((t) => originOf(t.url) === named) : tabs[0];
  if (found) return { ok: true, value: { origin: originOf(found.url) as string, tabId: found.id ?? null } };
  if (named) return { ok: true, value: { origin: named, tabId: null } };
  return fail({
    kind: 'invalid',
    field: 'portalUrl',
    message: 'Open your Bitrix24 portal in a tab, or enter its address.',
  });
}

async function openAppPage(tabId: number | null, url: string): Promise<number> {
  const tab =
    tabId === null
      ? await browser.tabs.create({ url, active: true })
      : await browser.tabs.update(tabId, { url, active: true });
  const id = tab?.id ?? tabId;
  if (id === null || id === undefined) throw new Error('no tab for the app page');
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      browser.tabs.onUpdated.removeListener(listener);
      resolve();
    };
    const listener = (updated: number, change: { status?: string }) => {
      if (updated === id && change.status === 'complete') done();
    };
    const timer = setTimeout(done, TAB_LOAD_MS);
    browser.tabs.onUpdated.addListener(listener);
  });
  return id;
}

/** The content script starts with the page; until it answers, ask again (a bounded number of times). */
async function askContentScript(
  tabId: number,
  data: { challenge: string; apiOrigin: string },
): Promise<Outcome<{ code: string; pageUserId: number | null }>> {
  for (let attempt = 0; attempt < CONTENT_SCRIPT_TRIES; attempt++) {
    try {
      return await sendMessage('runHandoff', data, tabId);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, CONTENT_SCRIPT_RETRY_MS));
    }
  }
  return fail({ kind: 'unknown', message: 'The portal tab did not answer; reload it and try again.' });
}
