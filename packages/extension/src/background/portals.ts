import type { Browser } from 'wxt/browser';
import { fail, ok } from '../api/outcome.ts';
import type { Outcome } from '../messaging/protocol.ts';
import { portalOriginsItem } from '../storage/items.ts';

/**
 * Self-hosted portals: the manifest matches only Bitrix24's cloud domains, so for a portal on its own
 * host the options page asks for that host's permission and registers the manifest's content scripts
 * (the isolated one and the main-world reader, whatever their file names) for it. Runs in the options
 * page (the permission prompt needs the user's click) and in the background on startup.
 */

type RegisteredContentScript = Browser.scripting.RegisteredContentScript;

/** `https://portal.example.com` from what a person types (`portal.example.com`, a full page URL); null if unusable. */
export function normalisePortalOrigin(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return null;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return null;
  if (!url.hostname || url.hostname.includes('*')) return null;
  return url.origin;
}

const patternFor = (origin: string) => `${origin}/*`;
const scriptId = (index: number, origin: string) => `b24-gdpr:${index}:${origin}`;

/** The manifest's content scripts, registered again for one origin. */
function scriptsFor(origin: string): RegisteredContentScript[] {
  const declared = browser.runtime.getManifest().content_scripts ?? [];
  return declared.map((script, index) => {
    const world = (script as { world?: string }).world;
    // One of js/css is always there (the manifest requires it); the type wants to know which.
    return {
      id: scriptId(index, origin),
      matches: [patternFor(origin)],
      js: script.js,
      css: script.css,
      runAt: script.run_at as RegisteredContentScript['runAt'],
      allFrames: script.all_frames,
      persistAcrossSessions: true,
      ...(world === 'MAIN' || world === 'ISOLATED' ? { world } : {}),
    } as RegisteredContentScript;
  });
}

/** Registers the content scripts for each origin that lacks them (startup, or after adding a portal). */
export async function registerPortalScripts(origins: string[]): Promise<void> {
  const registered = new Set((await browser.scripting.getRegisteredContentScripts()).map((s) => s.id));
  const missing = origins.flatMap(scriptsFor).filter((s) => !registered.has(s.id));
  if (missing.length > 0) await browser.scripting.registerContentScripts(missing);
}

/** Called from the options page's click handler: the permission prompt needs that user gesture. */
export async function addPortal(input: string): Promise<Outcome<string[]>> {
  const origin = normalisePortalOrigin(input);
  if (!origin)
    return fail({
      kind: 'invalid',
      field: 'origin',
      message: 'Enter the portal address, e.g. https://portal.example.com.',
    });
  const permissions = { origins: [patternFor(origin)] };
  const granted =
    (await browser.permissions.contains(permissions)) || (await browser.permissions.request(permissions));
  if (!granted)
    return fail({ kind: 'refused', rule: 'permission', message: `Access to ${origin} was not granted.` });
  await registerPortalScripts([origin]);
  const origins = await portalOriginsItem.getValue();
  const next = origins.includes(origin) ? origins : [...origins, origin];
  await portalOriginsItem.setValue(next);
  return ok(next);
}

/** Unregisters the scripts and gives the host permission back. */
export async function removePortal(origin: string): Promise<string[]> {
  const ids = new Set(scriptsFor(origin).map((s) => s.id));
  const registered = (await browser.scripting.getRegisteredContentScripts()).filter((s) => ids.has(s.id));
  if (registered.length > 0)
    await browser.scripting.unregisterContentScripts({ ids: registered.map((s) => s.id) });
  await browser.permissions.remove({ origins: [patternFor(origin)] });
  const next = (await portalOriginsItem.getValue()).filter((o) => o !== origin);
  await portalOriginsItem.setValue(next);
  return next;
}

/** On startup: registrations persist, but an update or a lost registration must not lose a portal. */
export async function restorePortals(): Promise<void> {
  const origins = await portalOriginsItem.getValue();
  const allowed: string[] = [];
  for (const origin of origins) {
    if (await browser.permissions.contains({ origins: [patternFor(origin)] })) allowed.push(origin);
  }
  await registerPortalScripts(allowed);
}
