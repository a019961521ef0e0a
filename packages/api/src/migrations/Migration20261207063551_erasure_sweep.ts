import { Migration } from '@mikro-orm/migrations';

/**
 * Erasure collects its plan again at execution and ends with a verification sweep: ledger rows found only
 * then (`added_since_preview`), rows gone before the erasure reached them (`SKIPPED`), kept rows whose
 * deletion failed (`failed`), and the request status for a sweep that found something left.
 * `down` folds the new values into the nearest old ones (an exception-free COMPLETED, a DONE row).
 */
export class Migration20261207063551_erasure_sweep extends Migration {
  override name = 'Migration20261207063551_erasure_sweep';

  override up(): void | Promise<void> {
    this.addSql(`alter table "data_subject_request" drop constraint "data_subject_request_status_check";`);
    this.addSql(
      `alter table "data_subject_request" add constraint "data_subject_request_status_check" check ("status" in ('PENDING', 'AWAITING_CONFIRMATION', 'RUNNING', 'COMPLETED', 'COMPLETED_WITH_EXCEPTIONS', 'FAILED', 'CANCELLED'));`,
    );

    this.addSql(`alter table "erasure_item" drop constraint "erasure_item_state_check";`);
    this.addSql(
      `alter table "erasure_item" add "added_since_preview" boolean not null default false, add "failed" boolean not null default false;`,
    );
    this.addSql(
      `alter table "erasure_item" add constraint "erasure_item_state_check" check ("state" in ('PENDING', 'IN_FLIGHT', 'DONE', 'KEPT', 'SKIPPED'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(
      `update "data_subject_request" set "status" = 'COMPLETED' where "status" = 'COMPLETED_WITH_EXCEPTIONS';`,
    );
    this.addSql(`update "erasure_item" set "state" = 'DONE' where "state" = 'SKIPPED';`);
    this.addSql(`alter table "data_subject_request" drop constraint "data_subject_request_status_check";`);
    this.addSql(
      `alter table "data_subject_request" add constraint "data_subject_request_status_check" check ("status" in ('PENDING', 'AWAITING_CONFIRMATION', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'));`,
    );

    this.addSql(`alter table "erasure_item" drop constraint "erasure_item_state_check";`);
    this.addSql(`alter table "erasure_item" drop column "added_since_preview", drop column "failed";`);
    this.addSql(
      `alter table "erasure_item" add constraint "erasure_item_state_check" check ("state" in ('PENDING', 'IN_FLIGHT', 'DONE', 'KEPT'));`,
    );
  }
}
