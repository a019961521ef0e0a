import { Migration } from '@mikro-orm/migrations';

export class Migration20261207130525_content_version_witness extends Migration {
  override name = 'Migration20261207130525_content_version_witness';

  override up(): void | Promise<void> {
    this.addSql(`alter table "content_version" add "witnessed_by" int null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "content_version" drop column "witnessed_by";`);
  }
}
