import { type BlogPost, lists, readBatchedOffsets } from '../../../../bitrix24/index.ts';
import { defineCategory } from '../category.ts';
import { id, idList, text } from '../cells.ts';

/**
 * `log.blogpost.get` has no author filter (its documented filters are POST_ID and LOG_RIGHTS), so the
 * posts the reader may see are paged through (batched offsets, 2,500 a request) and the subject's
 * are kept. The subject sees all of their own posts; an administrator may not (posts addressed to
 * named people), so without the subject's credentials the file may be incomplete, and says so.
 *
 * LOG_RIGHTS defaults to `UA` (posts to all employees) per the docs; adding `U{subject}` takes in posts
 * addressed to the subject by name, which includes every post the subject wrote to selected people
 * (the author is among a post's recipients). *Unconfirmed* on a real portal: kept in this one place.
 */
export const posts = defineCategory<BlogPost>({
  name: 'posts',
  title: 'Live Feed posts you wrote',
  about: 'The posts you published in the Live Feed (news feed), with their text as stored.',
  source: 'portal',
  columns: [
    { name: 'post_id', about: 'Number of the post in Bitrix24.', value: (p) => id(p.ID) },
    {
      name: 'published_at',
      about: 'When the post was published, as the portal shows dates (its own date format and time zone).',
      value: (p) => text(p.DATE_PUBLISH),
    },
    {
      name: 'title',
      about: 'Title of the post; empty for short posts without one.',
      value: (p) => text(p.TITLE),
    },
    {
      name: 'text',
      about: 'The text of the post, with Bitrix24 formatting codes such as [B]…[/B].',
      value: (p) => text(p.DETAIL_TEXT),
    },
    { name: 'status', about: 'P = published, D = draft.', value: (p) => text(p.PUBLISH_STATUS) },
    {
      name: 'comment_count',
      about: 'How many comments the post has (by anyone).',
      value: (p) => id(p.NUM_COMMENTS),
    },
    {
      name: 'file_ids',
      about: 'Numbers of files attached to the post, separated by "; ".',
      value: (p) => idList(p.FILES),
    },
  ],
  async *rows(ctx) {
    const { subjectUserId } = ctx.sources;
    const client = ctx.sources.asSubject ?? ctx.sources.portal;
    if (!ctx.sources.asSubject) {
      ctx.notAccessible({
        code: 'READ_AS_ADMINISTRATOR',
        reason:
          'Read with administrator rights because we hold no credentials of yours: posts you addressed ' +
          'only to selected people that the administrator cannot see are missing.',
        partial: true,
      });
    }
    const spec = lists.blogPosts({ LOG_RIGHTS: ['UA', `U${subjectUserId}`] });
    for await (const page of readBatchedOffsets(client, spec, { signal: ctx.signal })) {
      for (const post of page) if (String(post.AUTHOR_ID) === String(subjectUserId)) yield post;
    }
  },
});
