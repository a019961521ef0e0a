import { Migration } from '@mikro-orm/migrations';

export class Migration20261207133000_impersonation_alert_ids extends Migration {
  override name = 'Migration20261207133000_impersonation_alert_ids';

  override up(): void | Promise<void> {
    this.addSql(`alter table "impersonation_session" add "alert_message_ids" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "impersonation_session" drop column "alert_message_ids";`);
  }
}
