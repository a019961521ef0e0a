import { Migration } from '@mikro-orm/migrations';

export class Migration20261123110846_impersonation_sessions extends Migration {
  override name = 'Migration20261123110846_impersonation_sessions';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "impersonation_session" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "admin_user_id" int not null, "impersonated_user_id" int not null, "session_key" varchar(64) not null, "ip" varchar(64) not null, "user_agent" text null, "reason" text null, "source" text not null, "started_at" timestamptz not null, "ended_at" timestamptz null, "end_reason" text null, "alerted_at" timestamptz null, "alert_error" text null, primary key ("id"));`,
    );
    this.addSql(
      `create index "impersonation_session_admin_user_id_index" on "impersonation_session" ("admin_user_id");`,
    );
    this.addSql(
      `create index "impersonation_session_impersonated_user_id_index" on "impersonation_session" ("impersonated_user_id");`,
    );
    this.addSql(
      `create index "impersonation_session_session_key_index" on "impersonation_session" ("session_key");`,
    );
    this.addSql(
      `create index "impersonation_session_started_at_id_index" on "impersonation_session" ("started_at", "id");`,
    );

    this.addSql(
      `alter table "impersonation_session" add constraint "impersonation_session_source_check" check ("source" in ('extension', 'api'));`,
    );
    this.addSql(
      `alter table "impersonation_session" add constraint "impersonation_session_end_reason_check" check ("end_reason" in ('ENDED', 'SESSION_CHANGED', 'TIMED_OUT'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "impersonation_session" cascade;`);
  }
}
