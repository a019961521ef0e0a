import type { EntityManager } from '@mikro-orm/core';
import type { AppSecret } from '../settings/app-secret.ts';
import { inTransaction } from './audit-chain.ts';
import {
  commitMetadata,
  commitmentOf,
  commitPseudonymisedColumns,
  commitPseudonymisedMetadata,
  type Mac,
  sealedFields,
} from './audit-hash.ts';
import { pseudonymiseMetadata, USER_ID_KEY_PATTERN } from './audit-metadata-rule.ts';
import { type SealableField, type Sealed, USER_TARGET } from './audit-record.ts';
import { sql } from './audit-sql.ts';
import { canonicalJson } from './canonical-json.ts';

interface SubjectRow {
  id: string;
  seq: string | number;
  received_at: Date | string;
  actor: string | null;
  on_behalf_of: string | null;
  target_type: string | null;
  target_id: string | null;
  session_key: string | null;
  ip: string | null;
  user_agent: string | null;
  metadata: Record<string, unknown> | string;
  sealed: Sealed | string | null;
}

const BATCH = 1_000;

/** Events about a data-subject request name it by this target type, and the subject's own events by `requestId`. */
const REQUEST_TARGET = 'request';

/** Some metadata value under a user-id key (audit-metadata-rule.ts) equals $n or $s; arrays are unwrapped (lax). */
const USER_ID_IN_METADATA = `lax $.**.keyvalue() ? (@.key like_regex "${USER_ID_KEY_PATTERN}" && (@.value == $n || @.value == $s))`;

/**
 * Pseudonymises a user in every event linked to them: their id (actor, on-behalf-of, user target) becomes
 * their keyed pseudonym; the session key, IP and user agent of the events they did themselves are cleared;
 * and the metadata of those events, of events with their id in the metadata, and of events about their
 * data-subject requests (`dsr.*.failed` with its error text) is pseudonymised by audit-metadata-rule.ts.
 * Each replaced value's commitment moves into `sealed`, so every hash still verifies, with commitments of
 * what erasure left, so that cannot be changed unnoticed either (see audit-hash.ts).
 * Idempotent: a second run finds nothing left to change. The log is walked once, in seq order, since
 * metadata has no index: the cost of an erasure grows with the log.
 */
export async function pseudonymiseSubject(
  em: EntityManager,
  userId: number,
  secret: AppSecret,
  mac: Mac,
): Promise<{ events: number }> {
  const subject = { id: String(userId), userId, pseudonym: secret.pseudonymousId(userId) };
  return inTransaction(em, async (tx) => {
    // Before the walk changes them: the subject's events (by id or, on a rerun, pseudonym) name their requests.
    const requests = await sql<{ id: string }>(
      tx,
      `select distinct metadata->>'requestId' as id from audit_event
        where target_type = '${USER_TARGET}' and target_id in (?, ?) and metadata->>'requestId' is not null`,
      [subject.id, subject.pseudonym],
    );
    const requestIds = JSON.stringify(requests.map((r) => r.id));
    const vars = JSON.stringify({ n: userId, s: subject.id });
    let events = 0;
    let after = 0;
    for (;;) {
      const rows = await sql<SubjectRow>(
        tx,
        `select id, seq, received_at, actor, on_behalf_of, target_type, target_id, session_key, ip, user_agent,
                metadata, sealed
           from audit_event
          where seq > ?
            and (actor = ? or on_behalf_of = ? or (target_type = '${USER_TARGET}' and target_id = ?)
                 or (target_type = '${REQUEST_TARGET}' and target_id in (select jsonb_array_elements_text(?::jsonb)))
                 or jsonb_path_exists(metadata, ?::jsonpath, ?::jsonb, true))
          order by seq
          limit ?`,
        [after, subject.id, subject.id, subject.id, requestIds, USER_ID_IN_METADATA, vars, BATCH],
      );
      if (rows.length === 0) return { events };
      after = Number(rows.at(-1)!.seq);
      const updates = rows.map((row) => sealRow(row, subject, mac)).filter((u) => u !== null);
      if (updates.length === 0) continue;
      await sql(
        tx,
        `update audit_event e
            set actor = v.actor, on_behalf_of = v.on_behalf_of, target_id = v.target_id,
                session_key = v.session_key, ip = v.ip, user_agent = v.user_agent, metadata = v.metadata,
                sealed = v.sealed
           from json_to_recordset(?::json) as v(id uuid, received_at timestamptz, actor text, on_behalf_of text,
                target_id text, session_key text, ip text, user_agent text, metadata jsonb, sealed jsonb)
          where e.id = v.id and e.received_at = v.received_at`,
        [JSON.stringify(updates)],
      );
      events += updates.length;
    }
  });
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/** The row's new values, or null when the rule leaves it as it is (another user's id, a rerun). */
function sealRow(row: SubjectRow, subject: { id: string; userId: number; pseudonym: string }, mac: Mac) {
  const sealed: Sealed = { ...json(row.sealed) };
  const current = {
    id: row.id,
    sealed,
    actor: row.actor,
    onBehalfOf: row.on_behalf_of,
    targetId: row.target_id,
    sessionKey: row.session_key,
    ip: row.ip,
    userAgent: row.user_agent,
  };
  const next = { ...current };
  let changed = false;
  const seal = (field: SealableField, value: string | null) => {
    if (current[field] === null || current[field] === value) return;
    sealed[field] ??= commitmentOf(current, field, mac) ?? undefined;
    next[field] = value;
    changed = true;
  };
  const { id, pseudonym } = subject;
  if (row.actor === id) {
    seal('actor', pseudonym);
    seal('sessionKey', null);
    seal('ip', null);
    seal('userAgent', null);
  }
  if (row.on_behalf_of === id) seal('onBehalfOf', pseudonym);
  if (row.target_type === USER_TARGET && row.target_id === id) seal('targetId', pseudonym);
  const metadata = json(row.metadata);
  const pseudonymised = pseudonymiseMetadata(metadata, subject.userId, pseudonym);
  if (canonicalJson(pseudonymised) !== canonicalJson(metadata)) {
    // The first erasure's commitment is the one the hash covers; a later one only re-commits what it leaves.
    sealed.metadata ??= commitMetadata(row.id, metadata, mac);
    sealed.pseudonymisedMetadata = commitPseudonymisedMetadata(row.id, pseudonymised, mac);
    changed = true;
  }
  if (!changed) return null;
  const columns = sealedFields(sealed);
  if (columns.length > 0) sealed.pseudonymisedColumns = commitPseudonymisedColumns(next, columns, mac);
  return {
    id: row.id,
    received_at: new Date(row.received_at).toISOString(),
    actor: next.actor,
    on_behalf_of: next.onBehalfOf,
    target_id: next.targetId,
    session_key: next.sessionKey,
    ip: next.ip,
    user_agent: next.userAgent,
    metadata: pseudonymised,
    sealed,
  };
}
