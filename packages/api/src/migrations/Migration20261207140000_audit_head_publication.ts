import { Migration } from '@mikro-orm/migrations';

/** What the audit head publisher sent to each channel (modules/audit-publish). */
export class Migration20261207140000_audit_head_publication extends Migration {
  override name = 'Migration20261207140000_audit_head_publication';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "audit_head_publication" ("id" uuid not null, "channel" varchar(20) not null, "target" varchar(2000) not null, "tree_size" bigint not null, "head" jsonb not null, "status" varchar(10) not null, "attempts" int not null default 0, "last_error" text null, "receipt" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`,
    );
    this.addSql(
      `alter table "audit_head_publication" add constraint "audit_head_publication_channel_target_tree_size_unique" unique ("channel", "target", "tree_size");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "audit_head_publication";`);
  }
}
