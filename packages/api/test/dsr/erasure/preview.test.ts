import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymiseProfile } from '../../../src/modules/dsr/anonymise/index.ts';
import {
  previewErasure,
  REASONS,
  SubjectAlreadyErasedError,
} from '../../../src/modules/dsr/erasure/index.ts';
import { liveMessagesBy, seedScenario } from './scenario.ts';
import { createWorld, fullProfile, pseudonymFor, type World } from './world.ts';

let world: World;
let s: ReturnType<typeof seedScenario>;
beforeAll(async () => {
  world = await createWorld();
  s = seedScenario(world.portal);
});
afterAll(() => world.close());

const preview = (withSubject = true) =>
  previewErasure({
    portal: world.admin,
    asSubject: withSubject ? world.clientOf(s.subject.ID) : undefined,
    subjectUserId: s.subject.ID,
  });

const count = (plan: Awaited<ReturnType<typeof preview>>, category: string) =>
  plan.categories.find((c) => c.category === category);

describe('erasure preview', () => {
  it('counts what the portal holds of the subject, per category', async () => {
    const plan = await preview();
    const state = world.portal.state;
    const posts = [...state.posts.values()].filter((p) => p.authorId === s.subject.ID);
    const comments = [...state.comments.values()].filter((c) => c.authorId === s.subject.ID);
    expect(count(plan, 'chat-message')).toMatchObject({
      toDelete: liveMessagesBy(world.portal, s.subject.ID).length,
    });
    expect(count(plan, 'live-feed-post')).toMatchObject({ toDelete: posts.length });
    expect(count(plan, 'live-feed-comment')).toMatchObject({ toDelete: comments.length });
    expect(count(plan, 'chat-message')?.toDelete).toBe(10); // 5 + 3 + 2; the deleted stub is not counted
    expect(plan.items.filter((i) => i.category === 'live-feed-post').map((i) => i.portalId)).toEqual(
      [s.posts.publicPost.id, s.posts.privatePost.id].map(String),
    );
    // Concrete items with labels that name the place, never the text.
    const message = plan.items.find((i) => i.category === 'chat-message')!;
    expect(message.label).toMatch(
      /^Message #\d+ of .+ in (group chat «Project Apollo»|private chat with user \d+)$/,
    );
    expect(plan.items.every((i) => !/first post|Congratulations|Message \d+$/.test(i.label))).toBe(true);
  });

  it('keeps the account, the audit trail, tasks and calendar events, each with its reason', async () => {
    const plan = await preview();
    expect(plan.kept.find((k) => k.category === 'account')).toEqual({
      category: 'account',
      portalId: String(s.subject.ID),
      label: `User account #${s.subject.ID}`,
      reason:
        'Bitrix24 has no REST method to delete a user: the profile is anonymised and the account deactivated instead.',
    });
    expect(plan.kept.filter((k) => k.category === 'audit-trail')).toHaveLength(1);
    expect(plan.kept.find((k) => k.category === 'audit-trail')?.reason).toMatch(/Art\. 17\(3\)/);
    expect(plan.kept.filter((k) => k.category === 'task').map((k) => k.portalId)).toEqual(
      s.tasks.map((t) => String(t.id)),
    );
    expect(plan.kept.filter((k) => k.category === 'task').every((k) => k.reason === REASONS.task)).toBe(true);
    // Only the subject's own event; the meeting they merely attend is the colleague's.
    expect(plan.kept.filter((k) => k.category === 'calendar-event')).toEqual([
      expect.objectContaining({ portalId: String(s.event.id), reason: REASONS.calendarEvent }),
    ]);
    expect(plan.kept.every((k) => k.reason.length > 20)).toBe(true);
    expect(plan.notes.join(' ')).toMatch(/also removes the comments other people wrote/);
  });

  it('without the subject’s credentials keeps every message with the reason', async () => {
    const plan = await preview(false);
    expect(count(plan, 'chat-message')?.toDelete).toBe(0);
    const kept = plan.kept.filter((k) => k.category === 'chat-message');
    // The admin sees the group chat (5 of the subject's) and their private chat with the subject (2).
    expect(kept.filter((k) => k.portalId !== 'not-listed')).toHaveLength(7);
    expect(
      kept.filter((k) => k.portalId !== 'not-listed').every((k) => k.reason === REASONS.noSubjectCredentials),
    ).toBe(true);
    expect(REASONS.noSubjectCredentials).toBe(
      'No credentials of the subject: the portal lets only the author delete a message.',
    );
    expect(kept.find((k) => k.portalId === 'not-listed')?.reason).toBe(REASONS.notListed);
    // Posts addressed only to others are invisible to the admin.
    expect(count(plan, 'live-feed-post')?.toDelete).toBe(1);
    expect(plan.notes.join(' ')).toMatch(/only the posts visible to the administrator/);
  });

  it('gives the same digest for the same content and a new one when the content changes', async () => {
    const first = await preview();
    expect((await preview()).digest).toBe(first.digest);
    expect(first.digest).toMatch(/^[0-9a-f]{64}$/);

    const extra = world.portal.seed.message(s.chats.group.id, s.subject.ID, 'One more thing');
    const more = await preview();
    expect(more.digest).not.toBe(first.digest);
    expect(count(more, 'chat-message')?.toDelete).toBe(11);

    world.portal.state.messages.delete(extra.id);
    s.chats.group.messageIds.pop();
    expect((await preview()).digest).toBe(first.digest);
    world.portal.state.posts.delete(s.posts.privatePost.id);
    expect((await preview()).digest).not.toBe(first.digest);
    world.portal.state.posts.set(s.posts.privatePost.id, s.posts.privatePost);
  });

  it('reads in few requests: chats, then one request for all their messages', async () => {
    world.portal.counters.reset();
    await preview();
    const http = world.portal.counters.snapshot().httpByMethod;
    // lookup, recent list, messages, comments, posts, tasks (×2 reads), calendar
    expect(world.portal.counters.httpRequests).toBeLessThanOrEqual(10);
    expect(http['im.recent.list']).toBe(1);
  });

  it('a dismissed employee anonymised by policy still has content to erase; once it is gone, nothing is left', async () => {
    const { seed } = world.portal;
    const former = seed.user({ ...fullProfile('Fritz', 'Former'), ACTIVE: false });
    const post = seed.post(former.ID, 'Farewell', { dest: ['UA'] });
    const chat = seed.chat([1, former.ID], { title: 'Handover' });
    seed.messages(chat.id, 3, { authorIds: [former.ID] });
    await anonymiseProfile({ portal: world.admin, pseudonymFor, subjectUserId: former.ID });

    const plan = await previewErasure({
      portal: world.admin,
      asSubject: world.clientOf(former.ID),
      subjectUserId: former.ID,
    });
    expect(plan.items).toEqual([
      expect.objectContaining({ category: 'live-feed-post', portalId: String(post.id) }),
    ]);
    // A dismissed employee's webhook no longer works, so their messages cannot be deleted.
    const kept = plan.kept.filter((k) => k.category === 'chat-message' && k.portalId !== 'not-listed');
    expect(kept).toHaveLength(3);
    expect(kept.every((k) => k.reason === REASONS.subjectCredentialsRefused)).toBe(true);

    world.portal.state.posts.delete(post.id);
    await expect(
      previewErasure({ portal: world.admin, asSubject: world.clientOf(former.ID), subjectUserId: former.ID }),
    ).rejects.toBeInstanceOf(SubjectAlreadyErasedError);
  });
});
