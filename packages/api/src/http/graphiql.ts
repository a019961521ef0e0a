import { gzipSync } from 'node:zlib';
import {
  css,
  editorWorkerService,
  favicon,
  graphqlWorker,
  js,
  jsonWorker,
} from '@graphql-yoga/render-graphiql/graphiql';
import type { GraphiQLOptions } from 'graphql-yoga';
import type { Context } from 'hono';
import { escapeHtml } from './escape-html.ts';

/**
 * GraphiQL served from this API, not a CDN: yoga's own page loads its scripts from unpkg.com, so on a
 * machine without internet it never gets past "Loading…". The bundle comes from
 * @graphql-yoga/render-graphiql (pinned with graphql-yoga). Its own page would inline 9 MB of scripts
 * into every load and start Monaco's workers from blob: URLs; we serve the same pieces as files instead,
 * so browsers cache them and the page's CSP can stay 'self' for scripts and workers.
 */
export const GRAPHIQL_ASSETS = '/graphiql-assets';

const JS = 'text/javascript; charset=utf-8';
const ASSETS: Record<string, { body: string | Uint8Array<ArrayBuffer>; type: string }> = {
  'graphiql.css': { body: css, type: 'text/css; charset=utf-8' },
  'yoga-graphiql.js': { body: js, type: JS },
  'editor.worker.js': { body: editorWorkerService, type: JS },
  'json.worker.js': { body: jsonWorker, type: JS },
  'graphql.worker.js': { body: graphqlWorker, type: JS },
  // Monaco asks for a worker URL by label; before the bundle loads. Same origin, so no blob: needed.
  'environment.js': {
    body: `const workers = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' };
self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: (_moduleId, label) => '${GRAPHIQL_ASSETS}/' + (workers[label] ?? workers.editorWorkerService),
};
`,
    type: JS,
  },
  'start.js': {
    body: `YogaGraphiQL.renderYogaGraphiQL(
  document.getElementById('root'),
  JSON.parse(document.getElementById('graphiql-options').textContent),
);
`,
    type: JS,
  },
  'favicon.ico': { body: dataUriBytes(favicon), type: 'image/x-icon' },
};

/**
 * Only what the page uses: our scripts, styles (React and Monaco also set inline styles), workers and
 * the API itself; the fonts and Monaco's error squiggles are data: URIs in the bundle's CSS. No other
 * origin, no eval, no plugins, no framing.
 */
export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** yoga's `renderGraphiQL`: the page, with yoga's options as data (a JSON block is not executed). */
export function renderGraphiQLPage(options: GraphiQLOptions): string {
  const title = escapeHtml(options.title ?? 'GraphiQL');
  // `<` escaped so no value can close the script element.
  const json = JSON.stringify(options).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="icon" href="${GRAPHIQL_ASSETS}/favicon.ico">
<link rel="stylesheet" href="${GRAPHIQL_ASSETS}/graphiql.css">
</head>
<body id="body" class="no-focus-outline">
<noscript>You need to enable JavaScript to run GraphiQL.</noscript>
<div id="root">Loading ${title}…</div>
<script type="application/json" id="graphiql-options">${json}</script>
<script src="${GRAPHIQL_ASSETS}/environment.js"></script>
<script src="${GRAPHIQL_ASSETS}/yoga-graphiql.js"></script>
<script src="${GRAPHIQL_ASSETS}/start.js"></script>
</body>
</html>
`;
}

/** GET /graphiql-assets/:file, gzipped when the browser takes it (the bundle is 5 MB, 1.4 MB gzipped). */
export function serveGraphiQLAsset(c: Context): Response {
  const name = c.req.param('file') ?? '';
  const asset = ASSETS[name];
  if (!asset) return c.notFound() as Response;
  const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
  return new Response(gzip ? gzipped(name, asset.body) : asset.body, {
    headers: {
      'content-type': asset.type,
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      vary: 'Accept-Encoding',
      'x-content-type-options': 'nosniff',
      // The bundle changes only with the pinned package, i.e. with a new release of the API.
      'cache-control': 'public, max-age=3600',
    },
  });
}

/** Compressed once per process, on first use. */
const compressed = new Map<string, Uint8Array<ArrayBuffer>>();
function gzipped(name: string, body: string | Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  let bytes = compressed.get(name);
  if (!bytes) {
    bytes = new Uint8Array(gzipSync(body));
    compressed.set(name, bytes);
  }
  return bytes;
}

function dataUriBytes(uri: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64'));
}
