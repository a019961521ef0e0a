import { Migration } from '@mikro-orm/migrations';

export class Migration20261207154702_chat_poll_cursor extends Migration {
  override name = 'Migration20261207154702_chat_poll_cursor';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "chat_poll_cursor" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "user_id" int not null, "offset" bigint null, "subscribed_at" timestamptz null, "state" text not null, "reason" text null, "state_since" timestamptz not null, "last_polled_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "chat_poll_cursor" add constraint "chat_poll_cursor_user_id_unique" unique ("user_id");`,
    );
    this.addSql(`create index "chat_poll_cursor_state_index" on "chat_poll_cursor" ("state");`);
    this.addSql(
      `alter table "chat_poll_cursor" add constraint "chat_poll_cursor_state_check" check ("state" in ('usable', 'missing', 'dead'));`,
    );
    // The single-user poller's cursor (webhook owner's log), replaced by the rows above.
    this.addSql(`delete from "system_setting" where "key" like 'edits.chat-poll.%';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "chat_poll_cursor" cascade;`);
  }
}
