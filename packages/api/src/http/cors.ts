import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/** The extension's pages and service worker: Chrome's 32-letter ids, Firefox's per-install UUIDs. */
const EXTENSION_ORIGIN = /^(chrome-extension:\/\/[a-p]{32}|moz-extension:\/\/[0-9a-f-]{36})$/;

/**
 * Cross-origin access for the browser extension (and the origins in CORS_ORIGINS): bearer tokens in the
 * Authorization header, never cookies, so no credentials are allowed. Other origins get no
 * Access-Control-Allow-Origin, and browsers keep them from reading the answer.
 */
export function extensionCors(extraOrigins: readonly string[]): MiddlewareHandler {
  const extra = new Set(extraOrigins);
  return cors({
    origin: (origin) => (EXTENSION_ORIGIN.test(origin) || extra.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['authorization', 'content-type', 'accept', 'x-graphql-yoga-csrf'],
    exposeHeaders: ['content-disposition'],
    credentials: false,
    maxAge: 600,
  });
}
