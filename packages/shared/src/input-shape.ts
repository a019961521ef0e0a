/**
 * What every string and id must look like when it crosses into the system: the API checks every GraphQL
 * argument, query parameter and request body with these, and the extension can refuse the same input
 * before sending it. PostgreSQL's `text` and `jsonb` cannot hold NUL, and a lone surrogate has no UTF-8
 * form, so either would fail deep in a query instead of being refused at the door with a reason.
 */

/** A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point.
const MALFORMED = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `value` cannot be stored as text, or null when it can. */
export function textProblem(value: string): string | null {
  const bad = MALFORMED.exec(value);
  if (bad === null) return null;
  return bad[0] === '\u0000'
    ? 'must not contain NUL characters'
    : 'must be well-formed Unicode (it contains a lone surrogate)';
}

/** Every `ID` this API issues is a UUID (version 7, but any version is accepted as a shape). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Bitrix24 keys users, posts, comments and tasks by positive integers (its `int` columns). */
export const MAX_PORTAL_ID = 2_147_483_647;

export function isPortalId(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= MAX_PORTAL_ID;
}

/**
 * A portal id as it travels in a form, URL or string field: digits only, no sign, no leading zero, up to
 * 18 digits (messages and some newer tables use bigint keys, so the int limit above does not apply).
 */
export function isPortalIdString(value: string): boolean {
  return /^[1-9][0-9]{0,17}$/.test(value);
}

/** The first string in a JSON-like value (keys included) that cannot be stored, with its dotted path. */
export function findTextProblem(value: unknown, path: string): { path: string; problem: string } | null {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem === null ? null : { path, problem };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findTextProblem(value[i], `${path}.${i}`);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem !== null) return { path: `${path} (a key)`, problem: keyProblem };
      const found = findTextProblem(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}
