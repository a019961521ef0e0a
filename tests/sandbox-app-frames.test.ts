import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandboxPortal, type SandboxPortal } from '@b24-gdpr/sandbox';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './support/browser.ts';

/**
 * The sandbox's application frames in Chromium, against a minimal app on another origin that speaks
 * the frame protocol the way b24jssdk does (src/frame/message/controller.ts, loader-b24frame.ts):
 * `window.name` = `DOMAIN|PROTOCOL|APP_SID`, commands `"cmd:params:callback:APP_SID"` posted to the
 * portal, answers `"callback:JSON"`.
 */
const FRAME_SCRIPT = `
const [domain, protocol, sid] = window.name.split('|');
const target = (protocol === '1' ? 'https' : 'http') + '://' + domain;
let n = 0; const waiting = {};
window.addEventListener('message', (e) => {
  if (e.origin !== target) return;
  const [id, ...rest] = String(e.data).split(':');
  const args = rest.join(':');
  waiting[id]?.(args ? JSON.parse(args) : undefined); delete waiting[id];
});
function send(cmd, params) {
  const key = 'k' + (++n);
  return new Promise((resolve) => {
    waiting[key] = resolve;
    const p = params ? JSON.stringify(params) : '';
    parent.postMessage(cmd + ':' + [p, key, sid].filter(Boolean).join(':'), target);
  });
}
async function report(what, data) {
  await fetch('/report', { method: 'POST', body: JSON.stringify({ what, data }) });
}
(async () => {
  const init = await send('getInitData');
  await report('init', init);
  if (init.INSTALL) { await send('setInstallFinish', {}); return; }
  if (init.PLACEMENT === 'DEFAULT') {
    const fresh = await send('refreshAuth');
    await report('refresh', fresh);
    const r = await fetch(target + '/rest/profile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ auth: fresh.AUTH_ID }) });
    await report('profile', await r.json());
  }
})();`;

interface Report {
  path: string;
  what: string;
  data: Record<string, unknown>;
}

let portal: SandboxPortal;
let appServer: Server;
let appUrl: string;
let browser: Browser;
const reports: Report[] = [];
const posted: { path: string; fields: URLSearchParams }[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  portal = await createSandboxPortal({ rateLimit: false });
  appServer = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const path = req.url ?? '';
      if (path === '/report') {
        const r = JSON.parse(raw) as Omit<Report, 'path'>;
        reports.push({ path: req.headers.referer ?? '', ...r });
        res.end('ok');
        return;
      }
      posted.push({ path, fields: new URLSearchParams(raw) });
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html><body><p>app</p><script>${FRAME_SCRIPT}</script></body></html>`);
    });
  });
  await new Promise<void>((r) => appServer.listen(0, '127.0.0.1', r));
  // "localhost": another origin than the sandbox's 127.0.0.1, as an app is on a real portal.
  appUrl = `http://localhost:${(appServer.address() as AddressInfo).port}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await portal?.close();
  await new Promise<void>((r) => (appServer ? appServer.close(() => r()) : r()));
});

async function until<T>(what: () => T | undefined, label: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = what();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${label}`);
}

describe.runIf(hasChromium)('application frames in Chromium', { timeout: 120_000 }, () => {
  it('installs through the installer frame (installFinish), then opens the app page and refreshes its token', async () => {
    const app = portal.apps.register({
      name: 'Frame test',
      handlerUrl: `${appUrl}/page`,
      installUrl: `${appUrl}/install`,
      installEventHandlerUrl: `${appUrl}/installed`,
    });
    portal.apps.install(app.id);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(portal.pages.signInUrl(1, `/marketplace/app/${app.id}/`));
    const init = await until(() => reports.find((r) => r.what === 'init'), 'the installer init data');
    expect(init.data).toMatchObject({
      INSTALL: true,
      IS_ADMIN: true,
      PLACEMENT: 'DEFAULT',
      DOMAIN: new URL(portal.url).host,
      MEMBER_ID: portal.memberId,
      FIRST_RUN: true,
    });
    // setInstallFinish: the portal marks the app installed, sends ONAPPINSTALL and reloads the page.
    await page.waitForURL(/install_finished=Y/);
    await until(() => posted.find((p) => p.path === '/installed'), 'ONAPPINSTALL');
    expect(portal.apps.get(app.id)?.installed).toBe(true);
    const refresh = await until(() => reports.find((r) => r.what === 'refresh'), 'refreshAuth');
    expect(refresh.data.AUTH_ID).toMatch(/^[0-9a-f]{64}$/);
    const profile = await until(() => reports.find((r) => r.what === 'profile'), 'profile from the frame');
    expect(profile.data.result).toMatchObject({ ID: '1', ADMIN: true });
    await context.close();
  });

  it('loads the background worker hidden on every page with the viewer’s token and the page as URI', async () => {
    const app = portal.apps.register({ handlerUrl: `${appUrl}/page`, apiOnly: true });
    portal.apps.install(app.id);
    const admin = await portal.apps.openFrame(app.id, { userId: 1 });
    const bind = await fetch(`${portal.url}/rest/placement.bind`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: admin.fields.AUTH_ID,
        PLACEMENT: 'PAGE_BACKGROUND_WORKER',
        HANDLER: `${appUrl}/background`,
        OPTIONS: { errorHandlerUrl: `${appUrl}/background-error` },
      }),
    });
    expect(((await bind.json()) as { result: boolean }).result).toBe(true);
    reports.length = 0;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(portal.pages.signInUrl(5, '/company/personal/user/7/'));
    const init = await until(
      () => reports.find((r) => r.what === 'init' && r.data.PLACEMENT === 'PAGE_BACKGROUND_WORKER'),
      'the worker init data',
    );
    expect(init.data).toMatchObject({
      IS_ADMIN: false,
      INSTALL: false,
      PLACEMENT_OPTIONS: { ID: 'PAGE_BACKGROUND_WORKER', URI: '/company/personal/user/7/' },
    });
    const form = posted.filter((p) => p.path.startsWith('/background?')).at(-1);
    const who = await fetch(`${portal.url}/rest/profile?auth=${form?.fields.get('AUTH_ID')}`);
    expect(((await who.json()) as { result: { ID: string } }).result.ID).toBe('5');
    expect(await page.locator('.app-frame-hidden').isVisible()).toBe(false);
    await context.close();
  });
});
