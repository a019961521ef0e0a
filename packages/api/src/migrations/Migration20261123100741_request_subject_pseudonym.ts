import { Migration } from '@mikro-orm/migrations';

export class Migration20261123100741_request_subject_pseudonym extends Migration {
  override name = 'Migration20261123100741_request_subject_pseudonym';

  override up(): void | Promise<void> {
    this.addSql(`alter table "data_subject_request" add "subject_pseudonym" varchar(40) null;`);
    this.addSql(`alter table "data_subject_request" alter column "subject_user_id" drop not null;`);
    // One open request per subject and type, enforced where concurrent requests meet: the database.
    this.addSql(
      `create unique index "data_subject_request_one_open" on "data_subject_request" ("subject_user_id", "type") where "status" in ('PENDING', 'AWAITING_CONFIRMATION', 'RUNNING');`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "data_subject_request_one_open";`);
    this.addSql(`alter table "data_subject_request" drop column "subject_pseudonym";`);
    this.addSql(`alter table "data_subject_request" alter column "subject_user_id" set not null;`);
  }
}
