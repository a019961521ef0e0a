import type { BlogComment } from '../../../../bitrix24/index.ts';
import { defineCategory } from '../category.ts';
import { id, idList, text } from '../cells.ts';
import { readChainedLists } from '../portal/chained-pages.ts';

/** `log.blogcomment.user.get` answers at most 100 comments a call (log-blogcomment-user-get.md). */
const PAGE = 100;

/**
 * Comments by author, oldest first, chained on `FIRST_ID` (the method has no `start`). Read as the
 * subject when we can: a reader who cannot see the post gets the comment without its text.
 */
export const comments = defineCategory<BlogComment>({
  name: 'comments',
  title: 'Live Feed comments you wrote',
  about: 'The comments you wrote under Live Feed posts.',
  source: 'portal',
  columns: [
    { name: 'comment_id', about: 'Number of the comment in Bitrix24.', value: (c) => id(c.id) },
    {
      name: 'feed_entry_id',
      about: 'Number of the Live Feed entry the comment belongs to.',
      value: (c) => id(c.log_id),
    },
    {
      name: 'written_at',
      about: 'When you wrote the comment (ISO 8601, with the time zone offset).',
      value: (c) => text(c.date),
    },
    { name: 'text', about: 'The text of the comment.', value: (c) => text(c.text) },
    {
      name: 'file_ids',
      about: 'Numbers of files attached to the comment, separated by "; ".',
      value: (c) => idList(c.attach),
    },
  ],
  async *rows(ctx) {
    const { subjectUserId, asSubject, portal } = ctx.sources;
    const list = {
      method: 'log.blogcomment.user.get',
      params: { USER_ID: subjectUserId, LIMIT: PAGE },
      cursorParam: 'FIRST_ID',
      itemsPath: ['comments'],
      idField: 'id',
      pageSize: PAGE,
      direction: 'newer' as const,
    };
    let withoutText = 0;
    for await (const page of readChainedLists<BlogComment, typeof list>(asSubject ?? portal, [list], {
      signal: ctx.signal,
    })) {
      if ('error' in page) throw page.error;
      for (const comment of page.rows) {
        if (!asSubject && comment.text === '') withoutText += 1;
        yield comment;
      }
    }
    if (withoutText > 0) {
      ctx.notAccessible({
        code: 'READ_AS_ADMINISTRATOR',
        reason:
          `${withoutText} comment(s) are listed without their text: they are under posts the administrator ` +
          'cannot see, and we hold no credentials of yours to read them with.',
        partial: true,
      });
    }
  },
});
