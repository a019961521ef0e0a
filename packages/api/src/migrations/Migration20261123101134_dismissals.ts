import { Migration } from '@mikro-orm/migrations';

export class Migration20261123101134_dismissals extends Migration {
  override name = 'Migration20261123101134_dismissals';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "dismissal" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "user_id" int not null, "first_seen_inactive_at" timestamptz not null, "request_id" uuid null, primary key ("id"));`,
    );
    this.addSql(`alter table "dismissal" add constraint "dismissal_user_id_unique" unique ("user_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "dismissal" cascade;`);
  }
}
