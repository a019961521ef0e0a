import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPortal } from '../src/index.ts';
import { call, startPortal } from './helpers.ts';

let portal: SandboxPortal;
beforeAll(async () => {
  portal = await startPortal({ dataset: 'empty' });
});
afterAll(() => portal.close());

describe('log.blogcomment.delete USER_ID (api-reference/log/blogcomment/log-blogcomment-delete.md)', () => {
  it('lets an administrator delete as the given user, and ignores USER_ID from anyone else', async () => {
    const author = portal.seed.user({ NAME: 'Ann' });
    const other = portal.seed.user({ NAME: 'Otto' });
    const post = portal.seed.post(author.ID, 'Post');
    const c1 = portal.seed.comment(post.id, author.ID, 'one');
    const c2 = portal.seed.comment(post.id, author.ID, 'two');
    // Otto passing the author's id is still Otto: refused.
    const asOther = await call(portal.webhookUrl(other.ID), 'log.blogcomment.delete', {
      COMMENT_ID: c1.id,
      USER_ID: author.ID,
    });
    expect(asOther.body.error_description).toBe('No permissions');
    // The admin deleting as Otto (neither author nor admin) is refused too.
    const adminAsOther = await call(portal.webhookUrl(1), 'log.blogcomment.delete', {
      COMMENT_ID: c1.id,
      USER_ID: other.ID,
    });
    expect(adminAsOther.body.error_description).toBe('No permissions');
    expect(portal.state.comments.has(c1.id)).toBe(true);
    // The admin deleting as the author, or as themselves.
    expect(
      (await call(portal.webhookUrl(1), 'log.blogcomment.delete', { COMMENT_ID: c1.id, USER_ID: author.ID }))
        .body.result,
    ).toBe(true);
    expect(
      (await call(portal.webhookUrl(1), 'log.blogcomment.delete', { COMMENT_ID: c2.id })).body.result,
    ).toBe(true);
    expect(portal.state.comments.has(c1.id) || portal.state.comments.has(c2.id)).toBe(false);
  });
});
