import { Migration } from '@mikro-orm/migrations';

/**
 * `audit_append(rows, digests, lock_first, at)`: the part of an append that must happen under the chain
 * lock, done by the database in one statement: claim the idempotency keys, take the lock, read the head,
 * hash each new event onto the chain, insert them and move the head. The writer's process prepares all of
 * the hash input but `prevHash` and `receivedAt` beforehand (modules/audit/audit-hash.ts), so the lock is
 * held only for database work: no round trips and no waiting on a busy Node event loop while others queue
 * behind it, and an append outside a transaction is a single autocommitted statement.
 *
 * - rows: a JSON array of audit_event rows without the chain columns, `seq` holding the 1-based position.
 * - digests: for event i, its digest head and tail (the canonical JSON before and after the value of
 *   `receivedAt`) at 2i-1 and 2i, joined by U+001F, which canonical JSON always escapes.
 * - lock_first: lock before claiming keys (a caller's transaction may already hold the lock; otherwise keys
 *   are claimed first, in sorted order, so the lock is not held while a retried batch waits on its keys).
 * - at: the received-at time to use (tests); the database clock when null.
 *
 * hash_i = SHA-256(prevHash ‖ head_i ‖ JSON(receivedAt) ‖ tail_i), exactly `hashPrepared` in audit-hash.ts;
 * receivedAt is cut to milliseconds, as JavaScript dates hold it. Returns the received-at text, the head's
 * seq and hash before the append, the positions of the events stored (first of a key wins) and their hashes.
 *
 * Replaced by Migration20261123200000_audit_append_keys, whose `down` restores this version.
 */
export const AUDIT_APPEND_V1 = `create or replace function audit_append(rows json, digests text, lock_first boolean, at timestamptz)
returns json language plpgsql volatile as $fn$
declare
  evs audit_event[];
  parts text[];
  fresh int[];
  head audit_chain;
  received timestamptz;
  received_json text;
  h text;
  hashes text[] := '{}';
  n int;
begin
  if lock_first then
    perform pg_advisory_xact_lock(1647457383, 1635083369);
  end if;
  select array_agg(r order by r.seq) into evs from json_populate_recordset(null::audit_event, rows) r;
  with claimed as (
    insert into audit_idempotency_key (key)
    select distinct e.idempotency_key from unnest(evs) e where e.idempotency_key is not null order by 1
    on conflict do nothing returning key)
  select coalesce(array_agg(t.i order by t.i), '{}') into fresh
    from (select e.seq::int as i, e.idempotency_key as k,
                 row_number() over (partition by e.idempotency_key order by e.seq) as nth
            from unnest(evs) e) t
   where t.k is null or (t.nth = 1 and t.k in (select key from claimed));
  n := coalesce(array_length(fresh, 1), 0);
  if n = 0 then
    return json_build_object('fresh', '[]'::json);
  end if;
  if not lock_first then
    perform pg_advisory_xact_lock(1647457383, 1635083369);
  end if;
  -- A statement of its own after the lock: in READ COMMITTED it sees the previous writer's commit.
  select * into strict head from audit_chain where id = 1;
  received := coalesce(at, date_trunc('milliseconds', clock_timestamp()));
  received_json := '"' || to_char(received at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"';
  parts := string_to_array(digests, chr(31));
  h := head.hash;
  for k in 1..n loop
    h := encode(sha256(convert_to(h || parts[2 * fresh[k] - 1] || received_json || parts[2 * fresh[k]], 'UTF8')), 'hex');
    hashes[k] := h;
  end loop;
  insert into audit_event (id, seq, occurred_at, received_at, actor, on_behalf_of, session_key, ip, user_agent,
                           action, target_type, target_id, metadata, source, idempotency_key, sealed, prev_hash, hash)
  select e.id, head.seq + f.k, e.occurred_at, received, e.actor, e.on_behalf_of, e.session_key, e.ip, e.user_agent,
         e.action, e.target_type, e.target_id, e.metadata, e.source, e.idempotency_key, e.sealed,
         case when f.k = 1 then head.hash else hashes[f.k - 1] end, hashes[f.k]
    from unnest(fresh) with ordinality f(i, k)
    join lateral (select (evs[f.i]).*) e on true;
  update audit_chain set seq = head.seq + n, hash = h, last_event_id = (evs[fresh[n]]).id where id = 1;
  return json_build_object('receivedAt', received_json::json, 'seq', head.seq, 'prevHash', head.hash,
                           'fresh', to_json(fresh), 'hashes', to_json(hashes));
end
$fn$;`;

export class Migration20261123151000_audit_append_function extends Migration {
  override name = 'Migration20261123151000_audit_append_function';

  override up(): void | Promise<void> {
    this.addSql(AUDIT_APPEND_V1);
  }

  override down(): void | Promise<void> {
    this.addSql('drop function if exists audit_append(json, text, boolean, timestamptz);');
  }
}
