/**
 * WHAT ERASURE DOES TO AN EVENT'S METADATA
 *
 * Metadata is free-form, so the rule goes by key names, at any depth (nested objects, arrays of objects).
 * Code that writes events must name its keys accordingly; the rule is applied to every event linked to
 * the erased subject (they are its actor, on-behalf-of or user target, their id is in its metadata under a
 * user-id key, or it is about one of their data-subject requests: audit-pseudonymise.ts):
 *
 * - User-id keys (`userId`, `userIds`, and any key ending in `UserId` or `UserIds`, such as `ownerUserId`):
 *   a value (or array element) equal to the subject's id, as a number or as a string, becomes their
 *   pseudonym (`anon:…`, the one that replaces their id in the columns). Other users' ids stay.
 * - Text keys, whose values are text a person wrote or that may name someone (the key, or its last
 *   camel-case word: reason, error, comment, text, message, note, label, description, name, title, email,
 *   phone; e.g. `endReason`, `adminName`): any non-null value becomes the marker `[erased]`. The key stays,
 *   so the log still shows that a reason was given or an error happened; the text is gone.
 * - Everything else (ids of records, counts, flags, hashes such as `textHash`) stays: it is what the log is
 *   kept for, and it does not identify the subject without other records that erasure deletes.
 */
export const ERASED_TEXT = '[erased]';

/** The user-id keys, as a pattern both JavaScript and PostgreSQL (`like_regex`, audit-pseudonymise.ts) read alike. */
export const USER_ID_KEY_PATTERN = '^(userIds?|.+UserIds?)$';
const USER_ID_KEY = new RegExp(USER_ID_KEY_PATTERN);
const TEXT_WORDS = [
  'reason',
  'error',
  'comment',
  'text',
  'message',
  'note',
  'label',
  'description',
  'name',
  'title',
  'email',
  'phone',
];
const TEXT_KEY = new RegExp(
  `^(?:${TEXT_WORDS.join('|')})$|[a-z0-9_](?:${TEXT_WORDS.map(capital).join('|')})$`,
);

function capital(word: string): string {
  return word[0]!.toUpperCase() + word.slice(1);
}

/** The subject's metadata with the rule above applied; a new value, the given one is not changed. */
export function pseudonymiseMetadata(
  metadata: Record<string, unknown>,
  userId: number,
  pseudonym: string,
): Record<string, unknown> {
  return rewrite(metadata, null, { userId, pseudonym }) as Record<string, unknown>;
}

function rewrite(
  value: unknown,
  key: string | null,
  subject: { userId: number; pseudonym: string },
): unknown {
  if (value === null || value === undefined) return value;
  if (key !== null && TEXT_KEY.test(key)) return ERASED_TEXT;
  if (Array.isArray(value)) return value.map((item) => rewrite(item, key, subject));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = rewrite(v, k, subject);
    return out;
  }
  if (key !== null && USER_ID_KEY.test(key) && isSubject(value, subject.userId)) return subject.pseudonym;
  return value;
}

function isSubject(value: unknown, userId: number): boolean {
  return value === userId || value === String(userId);
}
