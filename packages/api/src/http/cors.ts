import type { CORSOptions } from 'graphql-yoga';
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/** The extension's pages and service worker: Chrome's 32-letter ids, Firefox's per-install UUIDs. */
const EXTENSION_ORIGIN = /^(chrome-extension:\/\/[a-p]{32}|moz-extension:\/\/[0-9a-f-]{36})$/;

const METHODS = ['GET', 'POST', 'OPTIONS'];
const ALLOWED_HEADERS = ['authorization', 'content-type', 'accept', 'x-graphql-yoga-csrf'];
const MAX_AGE_SECONDS = 600;

/**
 * Cross-origin access is for the browser extension and the origins in CORS_ORIGINS only: bearer tokens in
 * the Authorization header, never cookies, so no credentials are allowed. Other origins get no
 * Access-Control-Allow-Origin, and browsers keep them from reading the answer.
 */
export function isAllowedOrigin(origin: string, extraOrigins: readonly string[]): boolean {
  return EXTENSION_ORIGIN.test(origin) || extraOrigins.includes(origin);
}

/** The policy above for the plain HTTP routes (downloads), as Hono middleware. */
export function extensionCors(extraOrigins: readonly string[]): MiddlewareHandler {
  return cors({
    origin: (origin) => (isAllowedOrigin(origin, extraOrigins) ? origin : null),
    allowMethods: METHODS,
    allowHeaders: ALLOWED_HEADERS,
    exposeHeaders: ['content-disposition'],
    credentials: false,
    maxAge: MAX_AGE_SECONDS,
  });
}

/**
 * The same policy for `/graphql`, answered by yoga itself: Hono's middleware would have to copy yoga's
 * finished response to add its headers, and stream the copy out, on every request.
 */
export function graphqlCors(request: Request, extraOrigins: readonly string[]): CORSOptions {
  const origin = request.headers.get('origin');
  if (origin === null || !isAllowedOrigin(origin, extraOrigins)) return false;
  return {
    origin,
    methods: METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    credentials: false,
    maxAge: MAX_AGE_SECONDS,
  };
}
