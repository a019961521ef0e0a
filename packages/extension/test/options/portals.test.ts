import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  addPortal,
  normalisePortalOrigin,
  registerPortalScripts,
  removePortal,
  restorePortals,
} from '../../src/background/portals.ts';
import { portalOriginsItem } from '../../src/storage/items.ts';

type Registered = Browser.scripting.RegisteredContentScript;

// fake-browser has no permissions or scripting: a small in-memory stand-in for each, with the
// manifest's two content scripts (the isolated one and the main-world reader).
let granted: Set<string>;
let registered: Map<string, Registered>;
let prompt: boolean;
beforeEach(() => {
  fakeBrowser.reset();
  granted = new Set();
  registered = new Map();
  prompt = true;
  const b = fakeBrowser as unknown as Record<string, Record<string, unknown>>;
  b.permissions = {
    contains: vi.fn(async ({ origins }: { origins: string[] }) => origins.every((o) => granted.has(o))),
    request: vi.fn(async ({ origins }: { origins: string[] }) => {
      if (prompt) for (const o of origins) granted.add(o);
      return prompt;
    }),
    remove: vi.fn(async ({ origins }: { origins: string[] }) => origins.every((o) => granted.delete(o))),
  };
  b.scripting = {
    getRegisteredContentScripts: vi.fn(async () => [...registered.values()]),
    registerContentScripts: vi.fn(async (scripts: Registered[]) => {
      for (const s of scripts) {
        if (registered.has(s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
        registered.set(s.id, s);
      }
    }),
    unregisterContentScripts: vi.fn(async ({ ids }: { ids: string[] }) => {
      for (const id of ids) registered.delete(id);
    }),
  };
  b.runtime = {
    ...b.runtime,
    getManifest: () => ({
      content_scripts: [
        {
          matches: ['https://*.bitrix24.de/*'],
          js: ['content-scripts/content.js'],
          css: ['content-scripts/content.css'],
        },
        {
          matches: ['https://*.bitrix24.de/*'],
          js: ['content-scripts/page-identity.js'],
          world: 'MAIN',
          run_at: 'document_start',
        },
      ],
    }),
  };
});

describe('self-hosted portals', () => {
  it('takes what people type and refuses what is not an http(s) host', () => {
    expect(normalisePortalOrigin('portal.example.com')).toBe('https://portal.example.com');
    expect(normalisePortalOrigin(' http://intranet.local:8080/stream/ ')).toBe('http://intranet.local:8080');
    expect(normalisePortalOrigin('javascript:alert(1)')).toBeNull();
    expect(normalisePortalOrigin('ftp://portal.example.com')).toBeNull();
    expect(normalisePortalOrigin('https://user:pw@portal.example.com')).toBeNull();
    expect(normalisePortalOrigin('')).toBeNull();
  });

  it('asks for the host, registers both content scripts for it, and undoes both on removal', async () => {
    expect(await addPortal('portal.example.com')).toEqual({
      ok: true,
      value: ['https://portal.example.com'],
    });
    expect(browser.permissions.request).toHaveBeenCalledWith({ origins: ['https://portal.example.com/*'] });
    const scripts = [...registered.values()];
    expect(scripts).toHaveLength(2);
    expect(
      scripts.every((s) => s.matches?.[0] === 'https://portal.example.com/*' && s.persistAcrossSessions),
    ).toBe(true);
    expect(scripts.find((s) => s.world === 'MAIN')?.js).toEqual(['content-scripts/page-identity.js']);
    expect(scripts.find((s) => s.world !== 'MAIN')?.css).toEqual(['content-scripts/content.css']);

    // Adding it again asks nobody and registers nothing twice.
    vi.mocked(browser.permissions.request).mockClear();
    expect(await addPortal('https://portal.example.com/')).toMatchObject({ ok: true });
    expect(browser.permissions.request).not.toHaveBeenCalled();
    expect(registered.size).toBe(2);

    expect(await removePortal('https://portal.example.com')).toEqual([]);
    expect(registered.size).toBe(0);
    expect(granted.size).toBe(0);
    expect(await portalOriginsItem.getValue()).toEqual([]);
  });

  it('stores nothing when the permission is refused', async () => {
    prompt = false;
    expect(await addPortal('portal.example.com')).toMatchObject({ ok: false, error: { kind: 'refused' } });
    expect(registered.size).toBe(0);
    expect(await portalOriginsItem.getValue()).toEqual([]);
  });

  it('registers what storage lists again on startup, only for hosts still granted', async () => {
    await portalOriginsItem.setValue(['https://a.example.com', 'https://b.example.com']);
    granted.add('https://a.example.com/*');
    await restorePortals();
    expect([...registered.keys()].every((id) => id.endsWith('https://a.example.com'))).toBe(true);
    expect(registered.size).toBe(2);
    await registerPortalScripts(['https://a.example.com']);
    expect(registered.size).toBe(2);
  });
});
