import {
  type Bitrix24Client,
  type BlogComment,
  type BlogPost,
  lists,
  readBatchedOffsets,
} from '../../../bitrix24/index.ts';
import { readCursorStreams } from './chained-pages.ts';
import type { PlanItem } from './plan.ts';

/**
 * The subject's Live Feed posts. `log.blogpost.get` has no author filter, so this reads the feed the
 * reader can see (2,500 posts per request) and keeps the subject's. Read as the subject when we can:
 * an author always sees their own posts, an administrator only those addressed to them.
 */
export async function collectPosts(
  reader: Bitrix24Client,
  subjectUserId: number,
  signal?: AbortSignal,
): Promise<PlanItem[]> {
  const items: PlanItem[] = [];
  for await (const page of readBatchedOffsets<BlogPost>(
    reader,
    lists.blogPosts(),
    signal ? { signal } : {},
  )) {
    for (const post of page) {
      if (Number(post.AUTHOR_ID) !== subjectUserId) continue;
      items.push({
        category: 'live-feed-post',
        portalId: String(post.ID),
        label: `Live Feed post #${post.ID} of ${post.DATE_PUBLISH}`,
      });
    }
  }
  return items;
}

/** `log.blogcomment.user.get` answers at most 100 comments, oldest first after FIRST_ID. */
const COMMENT_PAGE = 100;

/**
 * The comments the subject wrote. An administrator may read anyone's (the subject may read their own);
 * the caller checked that `reader` is one of the two.
 */
export async function collectComments(
  reader: Bitrix24Client,
  subjectUserId: number,
  signal?: AbortSignal,
): Promise<PlanItem[]> {
  const items: PlanItem[] = [];
  const stream = {
    key: 'comments',
    method: 'log.blogcomment.user.get',
    params: (cursor: string | number | undefined) => ({
      USER_ID: subjectUserId,
      LIMIT: COMMENT_PAGE,
      ...(cursor === undefined ? {} : { FIRST_ID: cursor }),
    }),
    rowsPath: ['comments'],
    idField: 'id',
    pageSize: COMMENT_PAGE,
  };
  for await (const page of readCursorStreams<BlogComment>(reader, [stream], signal ? { signal } : {})) {
    if ('error' in page) throw page.error;
    for (const comment of page.rows) {
      items.push({
        category: 'live-feed-comment',
        portalId: String(comment.id),
        label: `Live Feed comment #${comment.id} of ${comment.date}`,
      });
    }
  }
  return items;
}
