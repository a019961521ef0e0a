/**
 * The extension on the sandbox Live Feed with 500 posts (one page, `?count=500`), 100 of them edited:
 * - API requests for the overlays of the first screen (target: 1 `editSummaries`), server-side count;
 * - time from DOMContentLoaded to every badge shown, against two baselines measured in the same run:
 *   the page's own DOMContentLoaded → load in a browser without the extension (what the page itself
 *   still does after DCL), and one `editSummaries` request for the same 500 refs sent from Node (the
 *   API's share, which the extension cannot beat);
 * - the content script's size (bytes and gzip) against Preact's own runtime, the library it bundles.
 * Chromium (/usr/bin/chromium) and the extension built with the test hosts, as in the e2e tests.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CHROMIUM, hasChromium, launchChromium, launchExtension } from '../tests/support/browser.ts';
import { signInExtension } from '../tests/support/extension-session.ts';
import { buildExtension } from '../tests/support/global-setup.ts';
import { startStack } from '../tests/support/stack.ts';
import { printTable, ratio } from './support/table.ts';

const POSTS = 500;
const EDITED_EVERY = 5;
const RUNS = 5;
const AUTHOR = 5;
const VIEWER = 1;
/** The light-DOM host of one badge (packages/extension/src/content/edit-overlays.ts), rendered at append. */
const BADGE_SELECTOR = 'b24-gdpr-badge';

export default async function run(): Promise<void> {
  if (!hasChromium) {
    console.log(`${CHROMIUM} is missing: the extension benchmark needs Chromium`);
    return;
  }
  const buildDir = await mkdtemp(path.join(tmpdir(), 'b24-ext-bench-'));
  const stack = await startStack();
  try {
    const dir = await buildExtension(buildDir);
    const sizes = await bundleSizes(dir);

    const posts = stack.api.portal.seed.posts(AUTHOR, POSTS, {
      text: (i) => `Post ${i + 1}: the plan for week ${i % 52}`,
    });
    const edited = posts.filter((_, i) => i % EDITED_EVERY === 0);
    for (const post of edited) {
      for (const text of [post.text, `${post.text} (moved to Friday)`]) {
        await stack.api.services.edits.recordVersion(stack.api.services.orm.em.fork(), {
          entityType: 'POST',
          entityId: String(post.id),
          text,
          editedAt: new Date(),
          editor: AUTHOR,
          source: 'api',
        });
      }
    }
    const feedPath = `/stream/?count=${POSTS}`;

    const baseline = await pageWithoutExtension(stack.api.portal.pages.signInUrl(VIEWER, feedPath));
    const direct = await directSummaries(
      stack,
      posts.map((p) => String(p.id)),
    );

    const browser = await launchExtension(dir);
    const withExtension: { badgesMs: number; requests: number; badges: number }[] = [];
    try {
      await signInExtension(browser, stack, VIEWER);
      const page = await browser.context.newPage();
      await page.addInitScript(watchBadges(edited.length));
      await page.goto(stack.api.portal.pages.signInUrl(VIEWER, '/auth/'));
      for (let i = 0; i < RUNS + 1; i++) {
        const before = stack.requestsFor('editSummaries').length;
        await page.goto(stack.api.portal.pages.url(feedPath));
        // DCL → the moment the last expected badge host was attached (recorded by the init script).
        const badgesMs = Number(
          await (
            await page.waitForFunction(
              `window.__badgesAt !== undefined && window.__badgesAt - performance.getEntriesByType('navigation')[0].domContentLoadedEventStart`,
              undefined,
              { timeout: 30_000 },
            )
          ).jsonValue(),
        );
        // Anything the extension would ask later (a debounced second request) has time to arrive.
        await page.waitForTimeout(1_500);
        const requests = stack.requestsFor('editSummaries').length - before;
        const badges = await page.locator(BADGE_SELECTOR).count();
        if (i > 0) withExtension.push({ badgesMs, requests, badges }); // the first load warms caches
      }
    } finally {
      await browser.close();
    }

    const badgesMs = median(withExtension.map((r) => r.badgesMs));
    printTable(`Live Feed, ${POSTS} posts (${edited.length} edited), median of ${RUNS} loads`, [
      ['figure', 'value', 'baseline', 'ratio'],
      [
        'editSummaries requests, first screen',
        Math.max(...withExtension.map((r) => r.requests)),
        'target 1',
        ratio(Math.max(...withExtension.map((r) => r.requests)), 1),
      ],
      [
        'badges shown',
        withExtension[0]?.badges ?? 0,
        `${edited.length} edited posts`,
        ratio(withExtension[0]?.badges ?? 0, edited.length),
      ],
      [
        'DCL → badges ms',
        badgesMs,
        `DCL → load without extension ${baseline.toFixed(1)}`,
        ratio(badgesMs, baseline),
      ],
      [
        'DCL → badges ms',
        badgesMs,
        `one editSummaries from Node ${direct.toFixed(1)}`,
        ratio(badgesMs, direct),
      ],
    ]);
    printTable('Content script bundle (chrome-mv3/content-scripts)', [
      ['file', 'bytes', 'gzip', 'vs Preact gzip'],
      ...sizes.scripts.map((s) => [s.file, s.bytes, s.gzip, ratio(s.gzip, sizes.preact.gzip)]),
      ['preact (dist/preact.mjs)', sizes.preact.bytes, sizes.preact.gzip, '×1.00'],
    ]);
  } finally {
    await stack.close();
    await rm(buildDir, { recursive: true, force: true });
  }
}

/** Content scripts of the build and Preact's runtime, raw and gzipped (level 9, as served compressed). */
async function bundleSizes(dir: string) {
  const scriptsDir = path.join(dir, 'content-scripts');
  const scripts = [];
  for (const file of (await readdir(scriptsDir)).filter((f) => f.endsWith('.js')).sort()) {
    const bytes = await readFile(path.join(scriptsDir, file));
    scripts.push({ file, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  }
  const require = createRequire(path.resolve(import.meta.dirname, '../packages/extension/package.json'));
  const preactBytes = await readFile(require.resolve('preact'));
  return {
    scripts,
    preact: { bytes: preactBytes.length, gzip: gzipSync(preactBytes, { level: 9 }).length },
  };
}

/** Median DOMContentLoaded → load of the page in Chromium without the extension. */
async function pageWithoutExtension(signInUrl: string): Promise<number> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(signInUrl);
    const samples: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      await page.reload({ waitUntil: 'load' });
      const ms = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return nav.loadEventEnd - nav.domContentLoadedEventStart;
      });
      if (i > 0) samples.push(ms);
    }
    return median(samples);
  } finally {
    await browser.close();
  }
}

/** Median time of one `editSummaries` request for every post on the page, sent from Node over HTTP. */
async function directSummaries(
  stack: Awaited<ReturnType<typeof startStack>>,
  ids: string[],
): Promise<number> {
  const token = await stack.api.tokenFor(VIEWER);
  const body = JSON.stringify({
    operationName: 'EditSummaries',
    query:
      'query EditSummaries($refs: [ContentRefInput!]!) { editSummaries(refs: $refs) { __typename ... on EditSummaries { items { entityType entityId editCount editedWhileImpersonating } } } }',
    variables: { refs: ids.map((entityId) => ({ entityType: 'POST', entityId })) },
  });
  const samples: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const started = performance.now();
    const res = await fetch(`${stack.apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    await res.json();
    if (i > 0) samples.push(performance.now() - started);
  }
  return median(samples);
}

/**
 * A page script run before the page's own (a string: it runs in the page, not through the bundler):
 * notes `performance.now()` when the `expected`-th badge host is attached.
 */
function watchBadges(expected: number): string {
  return `(() => {
    const hosts = document.getElementsByTagName(${JSON.stringify(BADGE_SELECTOR)});
    const observer = new MutationObserver(() => {
      if (hosts.length < ${expected}) return;
      window.__badgesAt = performance.now();
      observer.disconnect();
    });
    observer.observe(document, { childList: true, subtree: true });
  })();`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
