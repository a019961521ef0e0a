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

  it('without the subject’s credentials plans the messages the administrator sees, and names what it cannot', async () => {
    const plan = await preview(false);
    // The admin sees the group chat (5 of the subject's) and their private chat with the subject (2): the
    // run deactivates the account first and then tries them all as the administrator.
    expect(count(plan, 'chat-message')?.toDelete).toBe(7);
    const kept = plan.kept.filter((k) => k.category === 'chat-message');
    expect(kept).toEqual([expect.objectContaining({ portalId: 'not-listed', reason: REASONS.notListed })]);
    expect(REASONS.notListed).toMatch(/ends with this as an exception/);
    // Posts addressed only to others are invisible to the admin.
    expect(count(plan, 'live-feed-post')?.toDelete).toBe(1);
    expect(plan.kept.filter((k) => k.category === 'live-feed-post')).toEqual([
      expect.objectContaining({ portalId: 'not-listed', reason: REASONS.postsNotListed }),
    ]);
    expect(plan.notes.join(' ')).toMatch(/only the posts visible to the administrator/);
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
    // Their webhook no longer works: the administrator sees their messages in its chat and will delete them.
    expect(plan.items.filter((i) => i.category === 'live-feed-post')).toEqual([
      expect.objectContaining({ portalId: String(post.id) }),
    ]);
    expect(plan.items.filter((i) => i.category === 'chat-message')).toHaveLength(3);

    for (const m of world.portal.state.messages.values()) if (m.authorId === former.ID) m.deleted = true;
    world.portal.state.posts.delete(post.id);
    await expect(
      previewErasure({ portal: world.admin, asSubject: world.clientOf(former.ID), subjectUserId: former.ID }),
    ).rejects.toBeInstanceOf(SubjectAlreadyErasedError);
  });
});
