import { Migration } from '@mikro-orm/migrations';

/** Application mode (modules/app): installed portals, each user's encrypted tokens, administrators seen. */
export class Migration20261207160101_app_mode extends Migration {
  override name = 'Migration20261207160101_app_mode';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "app_admin" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "portal_id" uuid not null, "user_id" int not null, "admin" boolean not null, "checked_at" timestamptz not null, "first_admin_at" timestamptz not null, "last_admin_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "app_admin_portal_id_index" on "app_admin" ("portal_id");`);
    this.addSql(
      `alter table "app_admin" add constraint "app_admin_portal_id_user_id_unique" unique ("portal_id", "user_id");`,
    );

    this.addSql(
      `create table "app_portal" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "member_id" varchar(64) not null, "domain" varchar(255) not null, "client_endpoint" varchar(500) not null, "server_endpoint" varchar(500) not null, "application_token_enc" text not null, "scopes" text[] not null default '{}', "app_status" varchar(2) not null, "language_id" varchar(10) null, "state" text not null, "installed_by" int null, "installed_at" timestamptz not null, "uninstalled_at" timestamptz null, "purge_after" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "app_portal" add constraint "app_portal_member_id_unique" unique ("member_id");`,
    );

    this.addSql(
      `create table "app_user_token" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "portal_id" uuid not null, "user_id" int not null, "access_token_enc" text not null, "access_token_hash" varchar(64) not null, "refresh_token_enc" text null, "access_expires_at" timestamptz null, "state" text not null default 'usable', "dead_reason" varchar(500) null, "refreshed_at" timestamptz null, "received_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "app_user_token_portal_id_index" on "app_user_token" ("portal_id");`);
    this.addSql(
      `create index "app_user_token_access_token_hash_index" on "app_user_token" ("access_token_hash");`,
    );
    this.addSql(
      `alter table "app_user_token" add constraint "app_user_token_portal_id_user_id_unique" unique ("portal_id", "user_id");`,
    );

    this.addSql(
      `alter table "app_portal" add constraint "app_portal_state_check" check ("state" in ('installed', 'uninstalled'));`,
    );

    this.addSql(
      `alter table "app_user_token" add constraint "app_user_token_state_check" check ("state" in ('usable', 'dead'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "app_admin" cascade;`);
    this.addSql(`drop table if exists "app_portal" cascade;`);
    this.addSql(`drop table if exists "app_user_token" cascade;`);
  }
}
