import { Migration } from '@mikro-orm/migrations';

/** The address each app-page sign-in was registered from, to limit registrations per address. */
export class Migration20261207163000_app_handoff_address extends Migration {
  override name = 'Migration20261207163000_app_handoff_address';

  override up(): void | Promise<void> {
    this.addSql(`alter table "app_handoff" add column "requested_from" varchar(64) not null default '';`);
    this.addSql(`alter table "app_handoff" alter column "requested_from" drop default;`);
    this.addSql(`create index "app_handoff_requested_from_index" on "app_handoff" ("requested_from");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index if exists "app_handoff_requested_from_index";`);
    this.addSql(`alter table "app_handoff" drop column "requested_from";`);
  }
}
