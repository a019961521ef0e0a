import { Migration } from '@mikro-orm/migrations';

export class Migration20261123111134_audit_idempotency_key_pk_only extends Migration {
  override name = 'Migration20261123111134_audit_idempotency_key_pk_only';

  override up(): void | Promise<void> {
    this.addSql(`drop index "audit_idempotency_key_received_at_index";`);
    this.addSql(`alter table "audit_idempotency_key" drop column "received_at";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "audit_idempotency_key" add "received_at" timestamptz(6) not null;`);
    this.addSql(
      `create index "audit_idempotency_key_received_at_index" on "audit_idempotency_key" ("received_at");`,
    );
  }
}
