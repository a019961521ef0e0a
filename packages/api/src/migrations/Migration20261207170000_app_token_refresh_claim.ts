import { Migration } from '@mikro-orm/migrations';

/**
 * A token refresh no longer holds a row lock across the call to the authorization server: a version to
 * compare-and-swap on, and a short claim that tells other processes one refresh is under way.
 */
export class Migration20261207170000_app_token_refresh_claim extends Migration {
  override name = 'Migration20261207170000_app_token_refresh_claim';

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "app_user_token" add column "refresh_version" int not null default 0, add column "refresh_claim" varchar(36) null, add column "refresh_claimed_until" timestamptz null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(
      `alter table "app_user_token" drop column "refresh_version", drop column "refresh_claim", drop column "refresh_claimed_until";`,
    );
  }
}
