import { Migration } from '@mikro-orm/migrations';
import { AUDIT_APPEND_V3 } from './Migration20261123220000_audit_append_columns.ts';

/**
 * The audit log becomes the leaves of an RFC 9162 Merkle tree (modules/audit/README.md, "The tree"):
 *
 * - `audit_leaf`: every leaf hash, SHA-256(0x00 ‖ the event's canonical JSON), by log and index (seq − 1).
 *   Narrow and never purged: retention drops event rows, the tree keeps its leaves.
 * - `audit_tile`: the hashes of the complete subtrees of 2^8, 2^16, 2^24… leaves, 256 to a row, as C2SP
 *   tlog-tiles lays them out (tile level L holds the nodes of tree level 8·L; level 0 is `audit_leaf`).
 *   A proof then reads at most a few hundred hashes whatever the tree's size.
 * - `audit_chain.tree_frontier`: the roots of the perfect subtrees the tree is made of now, left to right,
 *   32 bytes each: what the writer needs to complete the next nodes (a binary counter).
 * - `audit_tree_head`: every signed tree head the API issued, for the verifier and for publishing.
 *
 * `audit_append` (v4) adds, under the chain lock and in the loop that extends the chain, each leaf and the
 * nodes it completes. `audit_chain.id` is the log id: one log (1) until tenancy gives each portal its own.
 * A database with events written before this migration has no leaves for them and fails verification:
 * there were no deployments, so such a development database is reset (README, "Digest versions").
 */
export const AUDIT_APPEND_V4 = `create or replace function audit_append(
  keys text[], digests text, lock_first boolean, at timestamptz,
  ids uuid[], occurred timestamptz[], actors text[], on_behalf text[], session_keys text[], ips text[],
  agents text[], actions text[], target_types text[], target_ids text[], metadata jsonb[], sources text[])
returns json language plpgsql volatile as $fn$
declare
  total int := coalesce(array_length(keys, 1), 0);
  parts text[];
  fresh int[];
  head audit_chain;
  received timestamptz;
  received_json text;
  h text;
  prevs text[] := '{}';
  hashes text[] := '{}';
  n int;
  bytes bytea;
  leaves bytea[] := '{}';
  frontier bytea;
  node bytea;
  leaf_index bigint;
  lvl int;
  node_levels int[] := '{}';
  node_indexes bigint[] := '{}';
  node_hashes bytea[] := '{}';
begin
  if total = 0 then
    return json_build_object('fresh', '[]'::json);
  end if;
  if array_length(ids, 1) is distinct from total or array_length(occurred, 1) is distinct from total
     or array_length(actors, 1) is distinct from total or array_length(on_behalf, 1) is distinct from total
     or array_length(session_keys, 1) is distinct from total or array_length(ips, 1) is distinct from total
     or array_length(agents, 1) is distinct from total or array_length(actions, 1) is distinct from total
     or array_length(target_types, 1) is distinct from total or array_length(target_ids, 1) is distinct from total
     or array_length(metadata, 1) is distinct from total or array_length(sources, 1) is distinct from total then
    raise exception 'audit_append: every column array must hold one entry per key (% keys)', total;
  end if;
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
  parts := string_to_array(digests, chr(31));
  if not lock_first then
    perform pg_advisory_xact_lock(1647457383, 1635083369);
  end if;
  -- A statement of its own after the lock: in READ COMMITTED it sees the previous writer's commit.
  select * into strict head from audit_chain where id = 1;
  received := coalesce(at, date_trunc('milliseconds', clock_timestamp()));
  received_json := '"' || to_char(received at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"';
  h := head.hash;
  frontier := head.tree_frontier;
  for k in 1..n loop
    bytes := convert_to(parts[2 * fresh[k] - 1] || received_json || parts[2 * fresh[k]], 'UTF8');
    prevs[k] := h;
    h := encode(sha256(convert_to(h, 'UTF8') || bytes), 'hex');
    hashes[k] := h;
    -- RFC 9162: leaf = SHA-256(0x00 ‖ bytes); each leaf completes the perfect subtrees a binary counter's
    -- carry would (node = SHA-256(0x01 ‖ left ‖ right)); those of 2^8, 2^16… leaves go to the tiles.
    node := sha256('\\x00'::bytea || bytes);
    leaves[k] := node;
    leaf_index := head.seq + k - 1;
    lvl := 0;
    while (leaf_index >> lvl) & 1 = 1 loop
      node := sha256('\\x01'::bytea || substring(frontier from length(frontier) - 31) || node);
      frontier := substring(frontier for length(frontier) - 32);
      lvl := lvl + 1;
      if lvl % 8 = 0 then
        node_levels := node_levels || lvl;
        node_indexes := node_indexes || (leaf_index >> lvl);
        node_hashes := node_hashes || node;
      end if;
    end loop;
    frontier := frontier || node;
  end loop;
  insert into audit_event (id, seq, occurred_at, received_at, actor, on_behalf_of, session_key, ip, user_agent,
                           action, target_type, target_id, metadata, source, idempotency_key, sealed, prev_hash, hash)
  select e.id, head.seq + f.k, e.occurred_at, received, e.actor, e.on_behalf_of, e.session_key, e.ip, e.user_agent,
         e.action, e.target_type, e.target_id, e.metadata, e.source, e.idempotency_key, null, f.prev_hash, f.hash
    from unnest(fresh, prevs, hashes) with ordinality f(i, prev_hash, hash, k)
    join unnest(ids, occurred, actors, on_behalf, session_keys, ips, agents, actions, target_types, target_ids,
                metadata, sources, keys)
         with ordinality e(id, occurred_at, actor, on_behalf_of, session_key, ip, user_agent, action, target_type,
                           target_id, metadata, source, idempotency_key, i) on e.i = f.i
   order by f.k;
  insert into audit_leaf (log_id, idx, hash)
  select 1, head.seq + l.k - 1, l.hash from unnest(leaves) with ordinality l(hash, k);
  if array_length(node_levels, 1) > 0 then
    insert into audit_tile (log_id, level, idx, hashes)
    select 1, t.lvl / 8, t.idx >> 8, string_agg(t.hash, ''::bytea order by t.idx)
      from unnest(node_levels, node_indexes, node_hashes) t(lvl, idx, hash)
     group by t.lvl, t.idx >> 8
    on conflict (log_id, level, idx) do update set hashes = audit_tile.hashes || excluded.hashes;
  end if;
  update audit_chain set seq = head.seq + n, hash = h, last_event_id = ids[fresh[n]], tree_frontier = frontier
   where id = 1;
  return json_build_object('receivedAt', received_json::json, 'seq', head.seq, 'prevHash', head.hash,
                           'fresh', to_json(fresh), 'hashes', to_json(hashes));
end
$fn$;`;

export class Migration20261207130000_audit_merkle_tree extends Migration {
  override name = 'Migration20261207130000_audit_merkle_tree';

  override up(): void | Promise<void> {
    // The default fills the existing head row (an empty tree) and goes: audit_append always writes it.
    this.addSql(`alter table "audit_chain" add column "tree_frontier" bytea not null default '';`);
    this.addSql(`alter table "audit_chain" alter column "tree_frontier" drop default;`);
    this.addSql(
      `create table "audit_leaf" ("log_id" int not null, "idx" bigint not null, "hash" bytea not null, primary key ("log_id", "idx"));`,
    );
    this.addSql(
      `create table "audit_tile" ("log_id" int not null, "level" smallint not null, "idx" bigint not null, "hashes" bytea not null, primary key ("log_id", "level", "idx"));`,
    );
    this.addSql(
      `create table "audit_tree_head" ("log_id" int not null, "tree_size" bigint not null, "root_hash" bytea not null, "issued_at" timestamptz not null, "key_id" varchar(64) not null, "signature" bytea not null, primary key ("log_id", "tree_size"));`,
    );
    this.addSql(AUDIT_APPEND_V4);
  }

  override down(): void | Promise<void> {
    this.addSql(AUDIT_APPEND_V3);
    this.addSql(`drop table if exists "audit_tree_head";`);
    this.addSql(`drop table if exists "audit_tile";`);
    this.addSql(`drop table if exists "audit_leaf";`);
    this.addSql(`alter table "audit_chain" drop column "tree_frontier";`);
  }
}
