import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderGraphiQLPage } from '../../src/http/graphiql.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ jobs: false });
});
afterAll(() => api.close());

// The browser test (tests/graphiql-offline.test.ts) runs GraphiQL in Chromium; this one checks, without a
// browser, that the page names nothing outside the API.
describe('GraphiQL page', () => {
  it('loads every script, style and icon from the API, under a CSP that allows no other origin', async () => {
    const page = await api.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/https?:|\*|unsafe-eval/);
    expect(html).not.toMatch(/(src|href)="?(https?:)?\/\//);
    const linked = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(linked.length).toBeGreaterThanOrEqual(5);
    for (const url of linked) {
      const asset = await api.fetch(url);
      expect(asset.status, url).toBe(200);
      expect(asset.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect((await asset.arrayBuffer()).byteLength, url).toBeGreaterThan(0);
    }
    expect((await api.fetch('/graphiql-assets/nothing.js')).status).toBe(404);
  });

  it('sends the 5 MB bundle gzipped to a browser that takes it, the same bytes once unpacked', async () => {
    const plain = Buffer.from(await (await api.fetch('/graphiql-assets/yoga-graphiql.js')).arrayBuffer());
    const packed = await api.fetch('/graphiql-assets/yoga-graphiql.js', {
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(packed.headers.get('content-encoding')).toBe('gzip');
    const bytes = Buffer.from(await packed.arrayBuffer());
    expect(bytes.length).toBeLessThan(plain.length / 2);
    expect(gunzipSync(bytes).equals(plain)).toBe(true);
  });

  it('keeps options that look like markup as data', () => {
    const hostile = '</script><script>alert(1)</script>';
    const html = renderGraphiQLPage({ title: hostile, defaultQuery: hostile });
    expect(html).not.toContain('<script>alert(1)');
    const options = /<script type="application\/json" id="graphiql-options">([^<]*)<\/script>/.exec(html);
    expect(JSON.parse(options![1]!)).toEqual({ title: hostile, defaultQuery: hostile });
  });
});
