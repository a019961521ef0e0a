import { Migration } from '@mikro-orm/migrations';

export class Migration20261123105851_audit_log extends Migration {
  override name = 'Migration20261123105851_audit_log';

  override up(): void | Promise<void> {
    // Hand-written: audit_event is partitioned by month on received_at (partitions are made on demand by
    // the writer and ahead of time by the maintenance job, see modules/audit/audit-partitions.ts), and the
    // chain's single head/checkpoint row starts at the genesis hash.
    this.addSql(
      `create table "audit_chain" ("id" int not null, "seq" bigint not null, "hash" varchar(64) not null, "last_event_id" uuid null, "checkpoint_seq" bigint not null, "checkpoint_hash" varchar(64) not null, "checkpoint_at" timestamptz null, primary key ("id"));`,
    );

    this.addSql(
      `create table "audit_event" ("id" uuid not null, "received_at" timestamptz not null, "seq" bigint not null, "occurred_at" timestamptz not null, "actor" varchar(64) null, "on_behalf_of" varchar(64) null, "session_key" varchar(64) null, "ip" varchar(45) null, "user_agent" varchar(512) null, "action" varchar(100) not null, "target_type" varchar(50) null, "target_id" varchar(200) null, "metadata" jsonb not null, "source" text not null, "idempotency_key" varchar(64) null, "sealed" jsonb null, "prev_hash" varchar(64) not null, "hash" varchar(64) not null, primary key ("id", "received_at")) partition by range ("received_at");`,
    );
    this.addSql(`create index "audit_event_seq_index" on "audit_event" ("seq");`);
    this.addSql(`create index "audit_event_occurred_at_id_index" on "audit_event" ("occurred_at", "id");`);
    this.addSql(
      `create index "audit_event_actor_occurred_at_id_index" on "audit_event" ("actor", "occurred_at", "id");`,
    );
    this.addSql(
      `create index "audit_event_on_behalf_of_occurred_at_id_index" on "audit_event" ("on_behalf_of", "occurred_at", "id");`,
    );
    this.addSql(
      `create index "audit_event_target_type_target_id_occurred_at_id_index" on "audit_event" ("target_type", "target_id", "occurred_at", "id");`,
    );
    this.addSql(
      `create index "audit_event_session_key_occurred_at_id_index" on "audit_event" ("session_key", "occurred_at", "id");`,
    );
    this.addSql(
      `create index "audit_event_ip_occurred_at_id_index" on "audit_event" ("ip", "occurred_at", "id");`,
    );
    this.addSql(
      `create index "audit_event_action_occurred_at_id_index" on "audit_event" ("action", "occurred_at", "id");`,
    );

    this.addSql(
      `create table "audit_idempotency_key" ("key" varchar(64) not null, "received_at" timestamptz not null, primary key ("key"));`,
    );
    this.addSql(
      `create index "audit_idempotency_key_received_at_index" on "audit_idempotency_key" ("received_at");`,
    );

    this.addSql(
      `insert into "audit_chain" ("id", "seq", "hash", "checkpoint_seq", "checkpoint_hash") values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0, '0000000000000000000000000000000000000000000000000000000000000000');`,
    );

    this.addSql(
      `alter table "audit_event" add constraint "audit_event_source_check" check ("source" in ('api', 'extension', 'portal-event', 'portal-poll'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "audit_chain" cascade;`);
    this.addSql(`drop table if exists "audit_event" cascade;`);
    this.addSql(`drop table if exists "audit_idempotency_key" cascade;`);
  }
}
