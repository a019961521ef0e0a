import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ErasureResult, REASONS, runErasure } from '../../../src/modules/dsr/erasure/index.ts';
import {
  checkpointOf,
  confirmErasure,
  createWorld,
  FAST_DELETE,
  fullProfile,
  pseudonymFor,
  type World,
} from './world.ts';

/**
 * A dismissed employee's webhook stops working with the account. Their posts and comments are still
 * erased, by the administrator; only their chat messages (which only the author may delete) are kept.
 */
let world: World;
let result: ErasureResult;
let subjectId: number;
let postId: number;
let commentId: number;
beforeAll(async () => {
  world = await createWorld();
  const { seed } = world.portal;
  const former = seed.user({ ...fullProfile('Fritz', 'Former'), ACTIVE: false });
  subjectId = former.ID;
  const colleague = seed.user(fullProfile('Max', 'Muster'));
  postId = seed.post(former.ID, 'Farewell', { dest: ['UA'] }).id;
  const other = seed.post(colleague.ID, 'Goodbye Fritz', { dest: ['UA'] });
  commentId = seed.comment(other.id, former.ID, 'Thanks all').id;
  const chat = seed.chat([1, former.ID], { title: 'Handover' });
  seed.messages(chat.id, 2, { authorIds: [former.ID] });
  // The API always offers the subject's webhook; the portal refuses it.
  const { requestId } = await confirmErasure(world, subjectId);
  result = await runErasure({
    em: world.db.orm.em.fork(),
    requestId,
    subjectUserId: subjectId,
    clients: { admin: world.admin, asSubject: world.clientOf(subjectId) },
    pseudonymFor,
    policy: FAST_DELETE,
    ...(await checkpointOf(world, requestId)),
  });
});
afterAll(() => world.close());

describe('erasure of a dismissed employee', () => {
  it('deletes their post and comment as the administrator', () => {
    expect(world.portal.state.posts.has(postId)).toBe(false);
    expect(world.portal.state.comments.has(commentId)).toBe(false);
    expect(result.removed).toMatchObject({ 'live-feed-post': 1, 'live-feed-comment': 1 });
  });

  it('keeps their messages with the reason, and the sweep finds nothing else', () => {
    const messages = [...world.portal.state.messages.values()].filter((m) => m.authorId === subjectId);
    expect(messages.every((m) => !m.deleted)).toBe(true);
    expect(result.retained.find((g) => g.category === 'chat-message')?.reason).toBe(
      REASONS.subjectCredentialsRefused,
    );
    expect(result.verification?.leftOver).toEqual([]);
    expect(result.verification?.counts.find((c) => c.category === 'chat-message')).toEqual({
      category: 'chat-message',
      found: 2,
      kept: 2,
      leftOver: 0,
    });
  });
});
