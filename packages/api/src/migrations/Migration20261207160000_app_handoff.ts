import { Migration } from '@mikro-orm/migrations';

/** The extension's sign-in through the app page (modules/app-handoff), and frame sessions' expiry on tokens. */
export class Migration20261207160000_app_handoff extends Migration {
  override name = 'Migration20261207160000_app_handoff';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "app_handoff" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "portal_id" uuid not null, "challenge" varchar(43) not null, "expires_at" timestamptz not null, "user_id" int null, "code_hash" varchar(64) null, "used_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "app_handoff_portal_id_index" on "app_handoff" ("portal_id");`);
    this.addSql(
      `alter table "app_handoff" add constraint "app_handoff_challenge_unique" unique ("challenge");`,
    );
    this.addSql(
      `alter table "app_handoff" add constraint "app_handoff_code_hash_unique" unique ("code_hash");`,
    );
    this.addSql(`alter table "api_token" add column "expires_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "app_handoff";`);
    this.addSql(`alter table "api_token" drop column "expires_at";`);
  }
}
