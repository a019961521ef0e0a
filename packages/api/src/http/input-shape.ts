import { findTextProblem, isUuid, textProblem } from '@b24-gdpr/shared';
import type { Context, MiddlewareHandler } from 'hono';

/** No route but `/graphql` (limited on its own, http/graphql-body-limit.ts) takes a larger body. */
export const ROUTE_MAX_BODY_BYTES = 64 * 1024;

/** A 400 a person can read (`label`, e.g. `Field "x"`), naming the part of the request refused (`field`). */
function refuse(c: Context, field: string, message: string, label = field): Response {
  return c.json({ error: `${label} ${message}.`, field }, 400, { 'cache-control': 'no-store' });
}

/**
 * Every route but `/graphql` (whose arguments the schema checks, schema/input-shape-plugin.ts): the path,
 * every query parameter and a form or JSON body must be well-formed text without NUL, the same rule as
 * for GraphQL input, so nothing a route passes on can fail in PostgreSQL or in a UTF-8 encoder.
 * Bodies are read here (Hono keeps them for the route) and limited to ROUTE_MAX_BODY_BYTES.
 */
export function wellFormedRequest(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.path === '/graphql') return next();
    const pathProblem = textProblem(decoded(c.req.path));
    if (pathProblem) return refuse(c, 'path', pathProblem, 'The path');
    for (const [name, values] of Object.entries(c.req.queries())) {
      const problem = textProblem(name) ?? values.map(textProblem).find((p) => p !== null) ?? null;
      if (problem) return refuse(c, name, problem, `Query parameter ${JSON.stringify(name)}`);
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    if (Number(c.req.header('content-length') ?? 0) > ROUTE_MAX_BODY_BYTES)
      return c.json({ error: 'The body is too large.' }, 413);
    const raw = await c.req.text();
    if (raw.length > ROUTE_MAX_BODY_BYTES) return c.json({ error: 'The body is too large.' }, 413);
    const found = bodyProblem(raw, c.req.header('content-type') ?? '');
    if (found) return refuse(c, found.field, found.problem, found.label);
    return next();
  };
}

/** Path parameters that name our own records: anything but a UUID is refused before a query is made. */
export function uuidParam(name: string): MiddlewareHandler {
  return async (c, next) => {
    if (!isUuid(c.req.param(name) ?? '')) return refuse(c, name, 'must be an id this API issued (a UUID)');
    return next();
  };
}

function bodyProblem(
  raw: string,
  contentType: string,
): { field: string; label: string; problem: string } | null {
  const rawProblem = textProblem(raw);
  if (rawProblem) return { field: 'body', label: 'The body', problem: rawProblem };
  if (contentType.includes('json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return { field: 'body', label: 'The body', problem: 'must be JSON' };
    }
    // JSON escapes (\u0000, \udc00) only show once parsed.
    const found = findTextProblem(parsed, 'body');
    return found && { field: found.path, label: found.path, problem: found.problem };
  }
  // Form fields (the portal's events): percent escapes (%00) only show once decoded.
  for (const [key, value] of new URLSearchParams(raw)) {
    const problem = textProblem(key) ?? textProblem(value);
    if (problem) return { field: key, label: `Field ${JSON.stringify(key)}`, problem };
  }
  return null;
}

/** The path as routes see it; a malformed escape stays as it is (and is then plain text). */
function decoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
