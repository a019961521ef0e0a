import { Migration } from '@mikro-orm/migrations';

export class Migration20261123100503_data_subject_requests extends Migration {
  override name = 'Migration20261123100503_data_subject_requests';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "data_subject_request" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "type" text not null, "status" text not null, "source" text not null, "subject_user_id" int not null, "requester_user_id" int null, "requester_token_id" uuid null, "due_at" timestamptz not null, "progress" jsonb not null, "checkpoint" jsonb not null, "accepted_under" jsonb not null, "preview" jsonb null, "preview_token_hash" varchar(64) null, "preview_expires_at" timestamptz null, "result" jsonb null, "error" text null, "attempts" int not null default 0, "lease_owner" varchar(100) null, "lease_until" timestamptz null, "started_at" timestamptz null, "finished_at" timestamptz null, "archive_path" text null, "archive_expires_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "data_subject_request_status_index" on "data_subject_request" ("status");`);
    this.addSql(
      `create index "data_subject_request_subject_user_id_index" on "data_subject_request" ("subject_user_id");`,
    );
    this.addSql(
      `create index "data_subject_request_subject_user_id_type_status_index" on "data_subject_request" ("subject_user_id", "type", "status");`,
    );
    this.addSql(
      `create index "data_subject_request_created_at_id_index" on "data_subject_request" ("created_at", "id");`,
    );

    this.addSql(
      `create table "erasure_item" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "request_id" uuid not null, "category" varchar(40) not null, "portal_id" varchar(100) not null, "state" text not null, "reason" text null, "label" text null, primary key ("id"));`,
    );
    this.addSql(
      `create index "erasure_item_request_id_state_index" on "erasure_item" ("request_id", "state");`,
    );
    this.addSql(
      `alter table "erasure_item" add constraint "erasure_item_request_id_category_portal_id_unique" unique ("request_id", "category", "portal_id");`,
    );

    this.addSql(
      `create table "user_rights" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "user_id" int not null, "can_anonymise" boolean not null, "can_erase" boolean not null, "updated_by" int null, primary key ("id"));`,
    );
    this.addSql(`alter table "user_rights" add constraint "user_rights_user_id_unique" unique ("user_id");`);

    this.addSql(
      `alter table "data_subject_request" add constraint "data_subject_request_type_check" check ("type" in ('EXPORT', 'ANONYMISE', 'ERASE'));`,
    );
    this.addSql(
      `alter table "data_subject_request" add constraint "data_subject_request_status_check" check ("status" in ('PENDING', 'AWAITING_CONFIRMATION', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'));`,
    );
    this.addSql(
      `alter table "data_subject_request" add constraint "data_subject_request_source_check" check ("source" in ('SELF', 'ADMIN', 'DISMISSAL_POLICY', 'INTEGRATOR'));`,
    );

    this.addSql(
      `alter table "erasure_item" add constraint "erasure_item_state_check" check ("state" in ('PENDING', 'IN_FLIGHT', 'DONE', 'KEPT'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "data_subject_request" cascade;`);
    this.addSql(`drop table if exists "erasure_item" cascade;`);
    this.addSql(`drop table if exists "user_rights" cascade;`);
  }
}
