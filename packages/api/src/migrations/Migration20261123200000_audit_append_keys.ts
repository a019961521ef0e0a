import { Migration } from '@mikro-orm/migrations';
import { AUDIT_APPEND_V1 } from './Migration20261123151000_audit_append_function.ts';

/**
 * `audit_append(rows, keys, digests, lock_first, at)`: what the first version does (its migration says
 * how), for about half the database time per batch of 500. The first version read the rows into an
 * `audit_event[]` array and inserted `(evs[i]).*`, which PostgreSQL evaluates once per column: 18 array
 * look-ups of a composite per event, more than the insert itself. Here the idempotency keys come as an
 * array of their own (`keys[i]` is event i's key or null), so claiming them needs no rows, and the rows
 * are read from the JSON once, straight into the insert.
 *
 * The hash, the arguments' meaning and the answer are those of the first version.
 *
 * Replaced by Migration20261123220000_audit_append_columns, whose `down` restores this version.
 */
export const AUDIT_APPEND_V2 = `create or replace function audit_append(rows json, keys text[], digests text, lock_first boolean, at timestamptz)
returns json language plpgsql volatile as $fn$
declare
  parts text[];
  fresh int[];
  head audit_chain;
  received timestamptz;
  received_json text;
  h text;
  hashes text[] := '{}';
  last_id uuid;
  n int;
begin
  if lock_first then
    perform pg_advisory_xact_lock(1647457383, 1635083369);
  end if;
  with claimed as (
    insert into audit_idempotency_key (key)
    select distinct k from unnest(keys) k where k is not null order by 1
    on conflict do nothing returning key)
  select coalesce(array_agg(t.i order by t.i), '{}') into fresh
    from (select u.i::int as i, u.k, row_number() over (partition by u.k order by u.i) as nth
            from unnest(keys) with ordinality u(k, i)) t
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
  with inserted as (
    insert into audit_event (id, seq, occurred_at, received_at, actor, on_behalf_of, session_key, ip, user_agent,
                             action, target_type, target_id, metadata, source, idempotency_key, sealed, prev_hash, hash)
    select e.id, head.seq + f.k, e.occurred_at, received, e.actor, e.on_behalf_of, e.session_key, e.ip, e.user_agent,
           e.action, e.target_type, e.target_id, e.metadata, e.source, e.idempotency_key, e.sealed,
           case when f.k = 1 then head.hash else hashes[f.k - 1] end, hashes[f.k]
      from unnest(fresh) with ordinality f(i, k)
      join json_populate_recordset(null::audit_event, rows) e on e.seq = f.i
    returning id, seq)
  select id into strict last_id from inserted where seq = head.seq + n;
  update audit_chain set seq = head.seq + n, hash = h, last_event_id = last_id where id = 1;
  return json_build_object('receivedAt', received_json::json, 'seq', head.seq, 'prevHash', head.hash,
                           'fresh', to_json(fresh), 'hashes', to_json(hashes));
end
$fn$;`;

export class Migration20261123200000_audit_append_keys extends Migration {
  override name = 'Migration20261123200000_audit_append_keys';

  override up(): void | Promise<void> {
    this.addSql('drop function if exists audit_append(json, text, boolean, timestamptz);');
    this.addSql(AUDIT_APPEND_V2);
  }

  override down(): void | Promise<void> {
    this.addSql('drop function if exists audit_append(json, text[], text, boolean, timestamptz);');
    this.addSql(AUDIT_APPEND_V1);
  }
}
