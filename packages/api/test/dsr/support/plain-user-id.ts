import { createHash } from 'node:crypto';
import type { StoredCell } from './storage-dump.ts';

/**
 * WHERE A PLAIN USER ID COUNTS AS STORED. Ids are small numbers, so "the number appears somewhere" would
 * flag every 47th sequence number, version, count and post id. The rule instead says where a value means
 * a portal user, and flags the subject's id there:
 *
 * 1. Columns that hold a portal user by name: `user_id`, `…_user_id`, `editor`, `actor`, `on_behalf_of`,
 *    `witnessed_by`, `created_by`, `granted_by`, `revoked_by`, `updated_by`; `target_id` when `target_type` is `user`;
 *    an erasure ledger row's `portal_id` when its category is `account`. Equal to the id (number or text).
 *    Every other integer column of our schema must be one of the counters listed below, so a new column
 *    cannot slip past the rule unclassified.
 * 2. JSON, at any depth: a value (or array element) equal to the id, as a number or a string, under a
 *    user-id key: `userId`, `userIds`, any key ending in `UserId(s)` (`subjectUserId`, `requesterUserId`),
 *    `authorId`, `actorId`, `ownerId`, `editor`, `createdBy`; and a `portalId` in or under an object of the
 *    `account` category (the ledger item, and the items of the result's kept `account` group).
 * 3. Text anywhere (columns and JSON strings) that names the user in words this system writes:
 *    "user 47", "user #47", "user account #47", and a chat ledger id "47:<message>" (the private chat
 *    with user 47 as seen by another member).
 * 4. The unkeyed SHA-256 of the id in the form sign-in records use (`id:47`): as good as the id.
 */
const USER_COLUMN =
  /(^|_)user_id$|^(editor|witnessed_by|actor|on_behalf_of|created_by|granted_by|revoked_by|updated_by)$/;
const USER_KEY = /^(userIds?|.+UserIds?|authorId|actorId|ownerId|editor|createdBy)$/;
/** Integer columns of our schema that count or number things, never users. */
const COUNTERS = new Set([
  'attempts',
  'version',
  'seq',
  'checkpoint_seq',
  'bytes',
  'event_count',
  'failed_attempts',
  'mail_attempts',
  'audit_chain.id',
  // The Merkle tree: which log, leaf and tile indexes, levels, sizes.
  'log_id',
  'idx',
  'level',
  'tree_size',
  'mikro_orm_migrations.id',
  // A position in a user's chat event log (the row's user is its user_id).
  'chat_poll_cursor.offset',
]);
const INTEGER = new Set(['integer', 'bigint', 'smallint']);

export interface Finding {
  where: string;
  value: unknown;
}

export function findPlainUserId(cells: readonly StoredCell[], userId: number): Finding[] {
  const id = String(userId);
  const words = new RegExp(`\\buser(?: account)? #?${id}(?![0-9])|^${id}:[0-9]+$`, 'i');
  const loginHash = createHash('sha256').update(`id:${userId}`).digest('hex');
  const equals = (value: unknown) => value === userId || value === id || value === BigInt(userId);
  const findings: Finding[] = [];
  for (const cell of cells) {
    const where = `${cell.table}.${cell.column}`;
    const ours = cell.table.startsWith('"public".');
    if (ours && INTEGER.has(cell.type) && !USER_COLUMN.test(cell.column)) {
      const bare = cell.table.replace(/^"public"\."|"$/g, '');
      if (!COUNTERS.has(cell.column) && !COUNTERS.has(`${bare}.${cell.column}`))
        findings.push({ where, value: 'unclassified integer column: add it to the rule' });
      continue;
    }
    const userColumn =
      USER_COLUMN.test(cell.column) ||
      (cell.column === 'target_id' && cell.row.target_type === 'user') ||
      (cell.column === 'portal_id' && cell.row.category === 'account');
    if (userColumn && equals(cell.value)) findings.push({ where, value: cell.value });
    else walk(cell.value, where, null, false);
  }
  return findings;

  /** `inAccount`: inside an object of the `account` category, at any depth (a kept group's items too). */
  function walk(value: unknown, where: string, key: string | null, inAccount: boolean) {
    if (value === null || value === undefined || value instanceof Date) return;
    if (typeof value === 'string') {
      const parsed = parseJson(value);
      if (parsed !== undefined) return walk(parsed, where, key, inAccount);
    }
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, `${where}[${i}]`, key, inAccount);
      return;
    }
    if (typeof value === 'object' && !Buffer.isBuffer(value)) {
      const object = value as Record<string, unknown>;
      const account = inAccount || object.category === 'account';
      for (const [k, v] of Object.entries(object)) walk(v, `${where}.${k}`, k, account);
      return;
    }
    const userKey = key !== null && (USER_KEY.test(key) || (key === 'portalId' && inAccount));
    if (userKey && equals(value)) findings.push({ where, value });
    else if (typeof value === 'string' && (words.test(value) || value.includes(loginHash)))
      findings.push({ where, value });
  }
}

function parseJson(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
