import { Migration } from '@mikro-orm/migrations';

export class Migration20261123112438_weekly_reports extends Migration {
  override name = 'Migration20261123112438_weekly_reports';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "report_signing_key" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "name" varchar(32) not null, "public_key_pem" text not null, "private_key_pem" text not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "report_signing_key" add constraint "report_signing_key_name_unique" unique ("name");`,
    );

    this.addSql(
      `create table "weekly_report" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "week" varchar(8) not null, "time_zone" varchar(64) not null, "period_start" timestamptz not null, "period_end" timestamptz not null, "file_name" varchar(200) not null, "bytes" int not null, "sha256" varchar(64) not null, "digest_hash" varchar(64) not null, "previous_digest_hash" varchar(64) null, "event_count" int not null, "first_hash" varchar(64) null, "last_hash" varchar(64) null, "recipients" jsonb not null, "mailed_at" timestamptz null, "mail_error" text null, primary key ("id"));`,
    );
    this.addSql(`alter table "weekly_report" add constraint "weekly_report_week_unique" unique ("week");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "report_signing_key" cascade;`);
    this.addSql(`drop table if exists "weekly_report" cascade;`);
  }
}
