import { Migration } from '@mikro-orm/migrations';

export class Migration20261123095428_identity extends Migration {
  override name = 'Migration20261123095428_identity';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "api_token" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "token_hash" varchar(64) not null, "kind" text not null, "user_id" int null, "scopes" text[] not null default '{}', "label" varchar(200) not null, "created_by" int null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "api_token" add constraint "api_token_token_hash_unique" unique ("token_hash");`,
    );
    this.addSql(`create index "api_token_user_id_index" on "api_token" ("user_id");`);

    this.addSql(
      `create table "auditor_grant" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "user_id" int not null, "granted_by" int not null, "revoked_by" int null, "revoked_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "auditor_grant_user_id_index" on "auditor_grant" ("user_id");`);

    this.addSql(
      `create table "sign_in_code" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "user_id" int not null, "code_hash" varchar(64) not null, "expires_at" timestamptz not null, "failed_attempts" int not null default 0, "consumed_at" timestamptz null, "burned_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `create index "sign_in_code_user_id_created_at_index" on "sign_in_code" ("user_id", "created_at");`,
    );

    this.addSql(
      `create table "sign_in_request" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "login_hash" varchar(64) not null, "ip" varchar(64) not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "sign_in_request_login_hash_created_at_index" on "sign_in_request" ("login_hash", "created_at");`,
    );
    this.addSql(
      `create index "sign_in_request_ip_created_at_index" on "sign_in_request" ("ip", "created_at");`,
    );

    this.addSql(
      `alter table "api_token" add constraint "api_token_kind_check" check ("kind" in ('USER', 'INTEGRATOR'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "api_token" cascade;`);
    this.addSql(`drop table if exists "auditor_grant" cascade;`);
    this.addSql(`drop table if exists "sign_in_code" cascade;`);
    this.addSql(`drop table if exists "sign_in_request" cascade;`);
  }
}
