import { Migration } from '@mikro-orm/migrations';

export class Migration20261207065642_pseudonymous_impersonation_users extends Migration {
  override name = 'Migration20261207065642_pseudonymous_impersonation_users';

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "impersonation_session" add "admin_pseudonym" varchar(40) null, add "impersonated_pseudonym" varchar(40) null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(
      `alter table "impersonation_session" drop column "admin_pseudonym", drop column "impersonated_pseudonym";`,
    );
  }
}
