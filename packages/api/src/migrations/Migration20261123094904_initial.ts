import { Migration } from '@mikro-orm/migrations';

export class Migration20261123094904_initial extends Migration {
  override name = 'Migration20261123094904_initial';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "system_setting" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "key" varchar(100) not null, "value" jsonb not null, primary key ("id"));`,
    );
    this.addSql(`alter table "system_setting" add constraint "system_setting_key_unique" unique ("key");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "system_setting" cascade;`);
  }
}
