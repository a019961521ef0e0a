import { DELETED_MESSAGE_TEXT } from '@b24-gdpr/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTES } from '../../../src/modules/dsr/erasure/collect-content.ts';
import { type ErasureResult, REASONS, runErasure } from '../../../src/modules/dsr/erasure/index.ts';
import { ErasureItem } from '../../../src/modules/dsr/erasure-item.entity.ts';
import { liveMessagesBy, seedScenario } from './scenario.ts';
import { checkpointOf, confirmErasure, createWorld, FAST_DELETE, pseudonymFor, type World } from './world.ts';

let world: World;
let s: ReturnType<typeof seedScenario>;
let requestId: string;
let result: ErasureResult;
let subjectMessageIds: number[];
let progress: [number, number][];
beforeAll(async () => {
  world = await createWorld();
  s = seedScenario(world.portal);
  subjectMessageIds = liveMessagesBy(world.portal, s.subject.ID).map((m) => m.id);
  ({ requestId } = await confirmErasure(world, s.subject.ID));
  world.portal.counters.reset();
  progress = [];
  const clients = { admin: world.admin, asSubject: world.clientOf(s.subject.ID) };
  result = await runErasure({
    em: world.db.orm.em.fork(),
    requestId,
    subjectUserId: s.subject.ID,
    clients,
    pseudonymFor,
    policy: FAST_DELETE,
    onProgress: (done, total) => {
      progress.push([done, total]);
    },
    ...(await checkpointOf(world, requestId)),
  });
});
afterAll(() => world.close());

describe('erasure, as an administrator checks it in the portal', () => {
  it('deletes the subject’s messages (the portal’s tombstones remain) and nobody else’s', () => {
    const state = world.portal.state;
    for (const id of subjectMessageIds)
      expect(state.messages.get(id)).toMatchObject({ deleted: true, text: DELETED_MESSAGE_TEXT });
    expect(liveMessagesBy(world.portal, s.subject.ID)).toEqual([]);
    const others = [...state.messages.values()].filter((m) => m.authorId !== s.subject.ID);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((m) => !m.deleted && m.text !== '')).toBe(true);
  });

  it('deletes the subject’s posts and comments; the colleague’s stay (except under the subject’s posts)', () => {
    const state = world.portal.state;
    expect([...state.posts.values()].filter((p) => p.authorId === s.subject.ID)).toEqual([]);
    expect(state.posts.get(s.posts.colleaguePost.id)).toBeDefined();
    expect([...state.comments.values()].filter((c) => c.authorId === s.subject.ID)).toEqual([]);
    expect(state.comments.get(s.colleagueComments.colleagueOnOwnPost.id)).toBeDefined();
    // Went with the subject's post, as the preview said it would.
    expect(state.comments.get(s.colleagueComments.colleagueOnSubjectPost.id)).toBeUndefined();
  });

  it('anonymises the profile and deactivates the account; other users are untouched', () => {
    const user = world.portal.state.user(s.subject.ID)!;
    expect(user).toMatchObject({
      ACTIVE: false,
      NAME: pseudonymFor(s.subject.ID),
      LAST_NAME: '',
      EMAIL: `anon-${s.subject.ID}@anonymised.invalid`,
      PERSONAL_PHONE: '',
      PERSONAL_PHOTO: '',
      WORK_POSITION: '',
      UF_DEPARTMENT: [],
    });
    expect(world.portal.state.user(s.colleague.ID)).toMatchObject({
      NAME: 'Max',
      ACTIVE: true,
      PERSONAL_CITY: 'Berlin',
    });
  });

  it('reports removed counts, what was kept and why, and messages for the admin', async () => {
    expect(result.removed).toEqual({
      'live-feed-comment': 3,
      'chat-message': 10,
      'task-comment': 0,
      'live-feed-post': 2,
    });
    const kept = await world.db.orm.em.fork().find(ErasureItem, { requestId, state: 'KEPT' });
    const fromResult = result.retained.flatMap((g) => g.items.map((i) => [g.category, i.portalId, g.reason]));
    expect(fromResult.sort()).toEqual(kept.map((k) => [k.category, k.portalId, k.reason]).sort());
    expect(result.retained.map((g) => [g.category, g.count])).toEqual([
      ['account', 1],
      ['task', 2],
      ['calendar-event', 1],
      ['audit-trail', 1],
    ]);
    expect(result.retained[0]?.reason).toBe(REASONS.account);
    expect(result.profile.anonymised).toBe(true);
    expect(result.account.deactivated).toBe(true);
    expect(result.messages[0]).toBe('Deleted 3 Live Feed comments, 10 chat messages, 2 Live Feed posts.');
    expect(result.messages.join('\n')).toMatch(/Kept 2 tasks: A task is a shared work record/);
    expect(result.messages).toContain(`Kept user account #${s.subject.ID}: ${REASONS.account}`);
    expect(result.messages.join('\n')).toMatch(/anonymised .* and the account deactivated/);
    expect(progress.at(-1)).toEqual([15, 15]);
  });

  it('deletes each item exactly once, in one batch request per category here', () => {
    const c = world.portal.counters;
    for (const id of subjectMessageIds) expect(c.calls('im.message.delete', id)).toBe(1);
    expect(c.calls('im.message.delete')).toBe(subjectMessageIds.length);
    // The administrator deletes posts; the one addressed only to Max it may not see, so its author does.
    expect(c.calls('log.blogpost.delete', s.posts.publicPost.id)).toBe(1);
    expect(c.calls('log.blogpost.delete', s.posts.privatePost.id)).toBe(2);
    expect(c.calls('log.blogcomment.delete')).toBe(3);
    expect(c.calls('user.update', s.subject.ID)).toBe(2); // anonymise, then deactivate
  });

  it('inventories as the subject, stores it, deactivates, then the administrator deletes the messages', async () => {
    const em = world.db.orm.em.fork();
    const { checkpoint } = await checkpointOf(world, requestId);
    const rows = await em.find(ErasureItem, { requestId, category: 'chat-message' });
    expect(checkpoint.recollection).toMatchObject({ readAsSubject: true });
    const deactivated = new Date(checkpoint.accountDeactivatedAt!).getTime();
    expect(rows.map((r) => r.state)).toEqual(subjectMessageIds.map(() => 'DONE'));
    for (const row of rows) {
      // In the ledger since confirmation, settled only after the account was deactivated.
      expect(row.createdAt.getTime()).toBeLessThanOrEqual(new Date(checkpoint.recollectedAt!).getTime());
      expect(row.updatedAt.getTime()).toBeGreaterThanOrEqual(deactivated);
    }
    // Each deleted message is reported as the portal's tombstone.
    expect(result.tombstones.count).toBe(subjectMessageIds.length);
    expect(
      result.tombstones.items.map((i) => Number(i.portalId.split(':')[1])).sort((a, b) => a - b),
    ).toEqual([...subjectMessageIds].sort((a, b) => a - b));
    expect(result.messages.join('\n')).toMatch(
      /10 chat messages remain in their chats as the portal's "message deleted" tombstone/,
    );
  });

  it('records every step in the checkpoint; running again from it does nothing more', async () => {
    const { checkpoint, saveCheckpoint } = await checkpointOf(world, requestId);
    expect(Object.keys(checkpoint).sort()).toEqual([
      'accountDeactivatedAt',
      'erasureStartedAt',
      'itemsCompletedAt',
      'profileAnonymisedAt',
      'profileChanged',
      'recollectedAt',
      'recollection',
      'sweep',
    ]);
    world.portal.counters.reset();
    const again = await runErasure({
      em: world.db.orm.em.fork(),
      requestId,
      subjectUserId: s.subject.ID,
      clients: { admin: world.admin },
      pseudonymFor,
      checkpoint,
      saveCheckpoint,
    });
    expect(world.portal.counters.httpRequests).toBe(0);
    expect(again.removed).toEqual(result.removed);
  });

  it('ends with a verification sweep: nothing left but what is listed as kept, counted per category', async () => {
    const kept = await world.db.orm.em.fork().find(ErasureItem, { requestId, state: 'KEPT' });
    const count = (category: string) => result.verification?.counts.find((c) => c.category === category);
    // Read after deactivation, as the administrator; what it cannot see the inventory taken as the subject
    // vouches for. Every category swept is listed, also where it found nothing.
    expect(result.verification).toMatchObject({
      readAsSubject: false,
      leftOver: [],
      notes: [NOTES.inventoried],
    });
    for (const category of ['chat-message', 'live-feed-post', 'live-feed-comment', 'task-comment'])
      expect(count(category)).toEqual({ category, found: 0, kept: 0, leftOver: 0 });
    expect(count('task')).toEqual({ category: 'task', found: 2, kept: 2, leftOver: 0 });
    expect(count('calendar-event')).toEqual({ category: 'calendar-event', found: 1, kept: 1, leftOver: 0 });
    expect(count('profile')).toEqual({ category: 'profile', found: 0, kept: 0, leftOver: 0 });
    expect(
      kept
        .filter((k) => k.category === 'task')
        .map((k) => k.portalId)
        .sort(),
    ).toEqual(s.tasks.map((t) => String(t.id)).sort());
    expect(result.messages).toContain('The verification sweep found only what is listed as kept (3 items).');
  });
});
