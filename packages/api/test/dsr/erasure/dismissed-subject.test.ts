import { DELETED_MESSAGE_TEXT } from '@b24-gdpr/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ErasurePlan, type ErasureResult, runErasure } from '../../../src/modules/dsr/erasure/index.ts';
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
 * A dismissed employee's webhook stops working with the account. Their posts, comments and messages in
 * group chats the administrator is in are still erased, by the administrator (the portal lets it delete a
 * deactivated author's messages); what the administrator cannot list makes the run end with exceptions.
 */
let world: World;
let result: ErasureResult;
let subjectId: number;
let postId: number;
let commentId: number;
let plan: ErasurePlan;
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
  const confirmed = await confirmErasure(world, subjectId);
  const { requestId } = confirmed;
  plan = confirmed.plan;
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
  it('the preview names what cannot be read or erased in full: their credentials stopped with the account', () => {
    expect(plan.unavailable?.map((u) => [u.category, u.code])).toEqual([
      ['chat-message', 'SUBJECT_TOKEN_DEAD'],
      ['live-feed-post', 'SUBJECT_TOKEN_DEAD'],
    ]);
    expect(plan.unavailable?.[0]?.reason).toMatch(/the account is deactivated/);
  });

  it('deletes their post and comment as the administrator', () => {
    expect(world.portal.state.posts.has(postId)).toBe(false);
    expect(world.portal.state.comments.has(commentId)).toBe(false);
    expect(result.removed).toMatchObject({ 'live-feed-post': 1, 'live-feed-comment': 1 });
  });

  it('deletes their messages in a group chat the administrator is in; what it cannot list is an exception', () => {
    const messages = [...world.portal.state.messages.values()].filter((m) => m.authorId === subjectId);
    expect(messages).toHaveLength(2);
    expect(messages.every((m) => m.deleted && m.text === DELETED_MESSAGE_TEXT)).toBe(true);
    expect(result.removed['chat-message']).toBe(2);
    // The administrator cannot see their private chats or posts addressed only to others: never COMPLETED.
    expect(result.verification?.leftOver).toEqual([
      expect.objectContaining({ category: 'chat-message', portalId: 'not-listed' }),
      expect.objectContaining({ category: 'live-feed-post', portalId: 'not-listed' }),
    ]);
    expect(result.verification?.counts.find((c) => c.category === 'chat-message')).toEqual({
      category: 'chat-message',
      found: 0,
      kept: 0,
      leftOver: 1,
    });
  });
});
