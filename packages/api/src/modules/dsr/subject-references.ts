import { USER_ID_KEY_PATTERN } from '../audit/audit-metadata-rule.ts';

/** The subject's portal id and the keyed pseudonym (`AppSecret.pseudonymousId`) that replaces it. */
export interface SubjectId {
  userId: number;
  pseudonym: string;
}

/**
 * WHERE A REQUEST'S OWN RECORDS NAME THE SUBJECT, and what replaces their id there once they are erased
 * or anonymised. Request rows (accepted-under, preview, checkpoint, result, error) and the erasure ledger
 * are free-form, so the rule goes by key names and by the few sentences this system writes:
 *
 * - a value (or array element) equal to the id, as a number or a string, under a user-id key (`userId`,
 *   `subjectUserId`, `userIds`, …: audit-metadata-rule.ts), or as a `portalId` in or under an object of
 *   the `account` category (the ledger's item, and the items of the result's kept `account` group);
 * - in any string: "User account #<id>", "private chat with user <id>", and a chat message's ledger id
 *   `<id>:<messageId>` (the private chat with the subject, as another member sees it).
 *
 * Other numbers stay: ids of posts, messages and other users are what these records are kept for.
 */
const USER_ID_KEY = new RegExp(USER_ID_KEY_PATTERN);

export function pseudonymiseText(text: string, subject: SubjectId): string {
  const id = String(subject.userId);
  return text
    .replace(new RegExp(`\\b(user account )#${id}(?![0-9])`, 'gi'), `$1${subject.pseudonym}`)
    .replace(new RegExp(`\\b(private chat with user )${id}(?![0-9])`, 'gi'), `$1${subject.pseudonym}`)
    .replace(new RegExp(`^${id}:([0-9]+)$`), `${subject.pseudonym}:$1`);
}

/** `value` with the rule above applied; a new value, the given one is not changed. */
export function pseudonymiseJson(value: unknown, subject: SubjectId, key: string | null = null): unknown {
  return walk(value, subject, key, false);
}

/** `inAccount`: below an object of the `account` category (a kept group lists its items without one). */
function walk(value: unknown, subject: SubjectId, key: string | null, inAccount: boolean): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((item) => walk(item, subject, key, inAccount));
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const account = inAccount || object.category === 'account';
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(object)) {
      const accountItem = k === 'portalId' && account;
      out[k] = accountItem && isSubject(v, subject) ? subject.pseudonym : walk(v, subject, k, account);
    }
    return out;
  }
  if (key !== null && USER_ID_KEY.test(key) && isSubject(value, subject)) return subject.pseudonym;
  if (typeof value === 'string') return pseudonymiseText(value, subject);
  return value;
}

function isSubject(value: unknown, subject: SubjectId): boolean {
  return value === subject.userId || value === String(subject.userId);
}
