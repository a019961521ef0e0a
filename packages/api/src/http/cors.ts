import type { CORSOptions } from 'graphql-yoga';
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { Config } from '../config/config.ts';

const METHODS = ['GET', 'POST', 'OPTIONS'];
const ALLOWED_HEADERS = ['authorization', 'content-type', 'accept', 'x-graphql-yoga-csrf'];
const MAX_AGE_SECONDS = 600;
/** Per loaded configuration: the yoga CORS factory asks on every request. */
const computed = new WeakMap<object, ReadonlySet<string>>();

/**
 * Cross-origin access is for our browser extension (EXTENSION_ORIGINS: by default the id its manifest key
 * fixes, not any extension's) and the origins in CORS_ORIGINS only: bearer tokens in the Authorization
 * header, never cookies, so no credentials are allowed. Other origins get no Access-Control-Allow-Origin,
 * and browsers keep them from reading the answer.
 */
export function allowedOrigins(
  config: Pick<Config, 'EXTENSION_ORIGINS' | 'CORS_ORIGINS'>,
): ReadonlySet<string> {
  let origins = computed.get(config);
  if (!origins) {
    origins = new Set([...config.EXTENSION_ORIGINS, ...config.CORS_ORIGINS]);
    computed.set(config, origins);
  }
  return origins;
}

/** The policy above for the plain HTTP routes (downloads), as Hono middleware. */
export function extensionCors(allowed: ReadonlySet<string>): MiddlewareHandler {
  return cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
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
export function graphqlCors(request: Request, allowed: ReadonlySet<string>): CORSOptions {
  const origin = request.headers.get('origin');
  if (origin === null || !allowed.has(origin)) return false;
  return {
    origin,
    methods: METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    credentials: false,
    maxAge: MAX_AGE_SECONDS,
  };
}
