import { Migration } from '@mikro-orm/migrations';

export class Migration20261123145551_weekly_report_mail_state extends Migration {
  override name = 'Migration20261123145551_weekly_report_mail_state';

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "weekly_report" add "mail_status" text not null default 'PENDING', add "mail_attempts" int not null default 0;`,
    );
    // Files stored before: mailed ones are SENT; an SMTP failure is retried (the job finds PENDING files at
    // start); anything else (no SMTP, no recipients) had nothing to try.
    this.addSql(
      `update "weekly_report" set "mail_status" = case when "mailed_at" is not null then 'SENT' when "mail_error" like 'SMTP:%' then 'PENDING' else 'SKIPPED' end, "mail_attempts" = case when "mailed_at" is not null or "mail_error" like 'SMTP:%' then 1 else 0 end;`,
    );
    this.addSql(
      `alter table "weekly_report" add constraint "weekly_report_mail_status_check" check ("mail_status" in ('PENDING', 'SENDING', 'SENT', 'FAILED', 'SKIPPED'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "weekly_report" drop constraint "weekly_report_mail_status_check";`);
    this.addSql(`alter table "weekly_report" drop column "mail_status", drop column "mail_attempts";`);
  }
}
