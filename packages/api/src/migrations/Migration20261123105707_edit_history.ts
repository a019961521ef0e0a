import { Migration } from '@mikro-orm/migrations';

export class Migration20261123105707_edit_history extends Migration {
  override name = 'Migration20261123105707_edit_history';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "content_version" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "entity_type" text not null, "entity_id" varchar(64) not null, "version" int not null, "text" text not null, "text_hash" varchar(64) not null, "deleted" boolean not null default false, "edited_at" timestamptz not null, "editor" int null, "session_key" varchar(64) null, "source" text not null, primary key ("id"));`,
    );
    this.addSql(`create index "content_version_session_key_index" on "content_version" ("session_key");`);
    this.addSql(
      `alter table "content_version" add constraint "content_version_entity_type_entity_id_version_unique" unique ("entity_type", "entity_id", "version");`,
    );

    this.addSql(
      `create table "portal_event" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "event" varchar(64) not null, "payload" jsonb not null, "processed_at" timestamptz null, "claimed_until" timestamptz null, "attempts" int not null default 0, "error" text null, primary key ("id"));`,
    );
    this.addSql(
      `create index "portal_event_processed_at_claimed_until_index" on "portal_event" ("processed_at", "claimed_until");`,
    );

    this.addSql(
      `alter table "content_version" add constraint "content_version_entity_type_check" check ("entity_type" in ('POST', 'COMMENT', 'MESSAGE', 'TASK_COMMENT'));`,
    );
    this.addSql(
      `alter table "content_version" add constraint "content_version_source_check" check ("source" in ('api', 'extension', 'portal-event', 'portal-poll'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "content_version" cascade;`);
    this.addSql(`drop table if exists "portal_event" cascade;`);
  }
}
