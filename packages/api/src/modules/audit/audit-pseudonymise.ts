import type { EntityManager } from '@mikro-orm/core';
import type { AppSecret } from '../settings/app-secret.ts';
import { inTransaction } from './audit-chain.ts';
import { commitmentOf, type Mac } from './audit-hash.ts';
import { type SealableField, USER_TARGET } from './audit-record.ts';
import { sql } from './audit-sql.ts';

interface SubjectRow {
  id: string;
  received_at: Date | string;
  actor: string | null;
  on_behalf_of: string | null;
  target_type: string | null;
  target_id: string | null;
  session_key: string | null;
  ip: string | null;
  user_agent: string | null;
  sealed: Partial<Record<SealableField, string>> | string | null;
}

const BATCH = 1_000;

/**
 * Replaces a user's id in every event (actor, on-behalf-of, user target) by their keyed pseudonym, and
 * clears the session key, IP and user agent of the events they did themselves. Each replaced value's
 * commitment moves into `sealed`, so every hash still verifies (see audit-hash.ts). Idempotent: a sealed
 * row no longer matches the id.
 */
export async function pseudonymiseSubject(
  em: EntityManager,
  userId: number,
  secret: AppSecret,
  mac: Mac,
): Promise<{ events: number }> {
  const id = String(userId);
  const pseudonym = secret.pseudonymousId(userId);
  return inTransaction(em, async (tx) => {
    let events = 0;
    for (;;) {
      const rows = await sql<SubjectRow>(
        tx,
        `select id, received_at, actor, on_behalf_of, target_type, target_id, session_key, ip, user_agent, sealed
           from audit_event
          where actor = ? or on_behalf_of = ? or (target_type = '${USER_TARGET}' and target_id = ?)
          limit ?`,
        [id, id, id, BATCH],
      );
      if (rows.length === 0) return { events };
      const updates = rows.map((row) => sealRow(row, id, pseudonym, mac));
      await sql(
        tx,
        `update audit_event e
            set actor = v.actor, on_behalf_of = v.on_behalf_of, target_id = v.target_id,
                session_key = v.session_key, ip = v.ip, user_agent = v.user_agent, sealed = v.sealed
           from json_to_recordset(?::json) as v(id uuid, received_at timestamptz, actor text, on_behalf_of text,
                target_id text, session_key text, ip text, user_agent text, sealed jsonb)
          where e.id = v.id and e.received_at = v.received_at`,
        [JSON.stringify(updates)],
      );
      events += rows.length;
    }
  });
}

function sealRow(row: SubjectRow, id: string, pseudonym: string, mac: Mac) {
  const sealed: Partial<Record<SealableField, string>> =
    typeof row.sealed === 'string' ? JSON.parse(row.sealed) : { ...row.sealed };
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
  const seal = (field: SealableField, value: string | null) => {
    if (current[field] === null || current[field] === value) return;
    sealed[field] ??= commitmentOf(current, field, mac) ?? undefined;
    next[field] = value;
  };
  if (row.actor === id) {
    seal('actor', pseudonym);
    seal('sessionKey', null);
    seal('ip', null);
    seal('userAgent', null);
  }
  if (row.on_behalf_of === id) seal('onBehalfOf', pseudonym);
  if (row.target_type === USER_TARGET && row.target_id === id) seal('targetId', pseudonym);
  return {
    id: row.id,
    received_at: new Date(row.received_at).toISOString(),
    actor: next.actor,
    on_behalf_of: next.onBehalfOf,
    target_id: next.targetId,
    session_key: next.sessionKey,
    ip: next.ip,
    user_agent: next.userAgent,
    sealed,
  };
}
