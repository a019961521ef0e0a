import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseWebhookUrl, WebhookUrlError } from '../../src/bitrix24/index.ts';

const SECRET = 'k3yz9x8w7v6u5t4s';

describe('parseWebhookUrl', () => {
  it('reads portal, user and code', () => {
    const hook = parseWebhookUrl(`https://acme.bitrix24.de/rest/17/${SECRET}/`);
    expect(hook.origin).toBe('https://acme.bitrix24.de');
    expect(hook.userId).toBe(17);
    expect(hook.methodUrl('user.get')).toBe(`https://acme.bitrix24.de/rest/17/${SECRET}/user.get.json`);
    expect(hook.safeBase).toBe('https://acme.bitrix24.de/rest/17/***/');
  });

  it('accepts a URL without the trailing slash or with a method appended', () => {
    expect(parseWebhookUrl(`https://acme.bitrix24.de/rest/1/${SECRET}`).methodUrl('x')).toMatch(
      /\/rest\/1\/\w+\/x\.json$/,
    );
    expect(parseWebhookUrl(`https://acme.bitrix24.de/rest/1/${SECRET}/user.get.json`).userId).toBe(1);
  });

  it('allows plain http only on loopback unless told otherwise', () => {
    expect(parseWebhookUrl(`http://127.0.0.1:8080/rest/1/${SECRET}/`).origin).toBe('http://127.0.0.1:8080');
    expect(() => parseWebhookUrl(`http://intranet.local/rest/1/${SECRET}/`)).toThrow(WebhookUrlError);
    expect(
      parseWebhookUrl(`http://intranet.local/rest/1/${SECRET}/`, { allowInsecureHttp: true }).origin,
    ).toBe('http://intranet.local');
  });

  it.each([
    'not a url',
    `ftp://acme.bitrix24.de/rest/1/${SECRET}/`,
    `https://acme.bitrix24.de/rest/abc/${SECRET}/`,
    `https://acme.bitrix24.de/api/1/${SECRET}/`,
    `https://acme.bitrix24.de/rest/1/${SECRET}/?x=1`,
    `https://acme.bitrix24.de/rest/1/`,
  ])('refuses %s without repeating the code', (url) => {
    let error: unknown;
    try {
      parseWebhookUrl(url.replace('not a url', `not a url ${SECRET}`));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WebhookUrlError);
    expect(String((error as Error).message)).not.toContain(SECRET);
  });

  it('keeps the code out of inspect and JSON', () => {
    const hook = parseWebhookUrl(`https://acme.bitrix24.de/rest/1/${SECRET}/`);
    expect(inspect(hook, { showHidden: true, depth: 5 })).not.toContain(SECRET);
    expect(JSON.stringify(hook)).not.toContain(SECRET);
  });

  it('redacts the code wherever it appears', () => {
    const hook = parseWebhookUrl(`https://acme.bitrix24.de/rest/1/${SECRET}/`);
    expect(hook.redact(`GET https://acme.bitrix24.de/rest/1/${SECRET}/user.get failed (${SECRET})`)).toBe(
      'GET https://acme.bitrix24.de/rest/1/***/user.get failed (***)',
    );
  });
});
