import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity.ts';
import { ContentVersion } from '../../src/modules/edits/content-version.entity.ts';
import { eventually, type TestApi } from '../support/api.ts';
import { type ListeningApi, startListeningApi } from './listening-api.ts';

/**
 * Who edited a post, as an auditor reads it afterwards: the user who triggered the portal's event
 * (`auth[user_id]`), not the post's author, and "unknown" when the event names nobody.
 */
let l: ListeningApi;
let api: TestApi;
beforeAll(async () => {
  l = await startListeningApi();
  api = l.api;
});
afterAll(() => l?.close());

const versionsOf = (postId: number | string) =>
  api.services.orm.em
    .fork()
    .find(ContentVersion, { entityType: 'POST', entityId: String(postId) }, { orderBy: { version: 'asc' } });
const eventsOf = (postId: number | string) =>
  api.services.orm.em
    .fork()
    .find(AuditEvent, { targetType: 'post', targetId: String(postId) }, { orderBy: { seq: 'asc' } });

describe('edits from portal events', () => {
  it("are attributed to the administrator who edited a colleague's post, not to its author", async () => {
    const postId = await api.services.portal.asUser(5)!.call('log.blogpost.add', {
      POST_MESSAGE: 'Team lunch on Friday',
      DEST: ['UA'],
    });
    await l.processed();
    await api.services.portal.asUser(1)!.call('log.blogpost.update', {
      POST_ID: postId,
      POST_MESSAGE: 'Team lunch cancelled',
    });
    await l.processed();
    const versions = await eventually(async () => {
      const found = await versionsOf(postId);
      return found.length === 2 ? found : undefined;
    }, 'two versions');
    expect(versions.map((v) => [v.version, v.editor])).toEqual([
      [1, 5],
      [2, 1],
    ]);
    // The portal still says user 5 wrote it; the log says user 1 changed it.
    expect(api.portal.state.posts.get(Number(postId))?.authorId).toBe(5);
    const events = await eventsOf(postId);
    expect(events.map((e) => [e.action, e.actor])).toEqual([['post.edited', '1']]);
  });

  it('logs the first UPDATE of a post never seen before as an edit', async () => {
    // Written before this system listened: no ADD event was ever delivered for it.
    const post = api.portal.seed.post(6, 'Old announcement');
    await api.services.portal.asUser(6)!.call('log.blogpost.update', {
      POST_ID: post.id,
      POST_MESSAGE: 'Old announcement, corrected',
    });
    await l.processed();
    const [event] = await eventually(async () => {
      const found = await eventsOf(post.id);
      return found.length > 0 ? found : undefined;
    }, 'the edit event');
    expect(event).toMatchObject({ action: 'post.edited', actor: '6' });
    expect(event!.metadata).toMatchObject({ version: 1 });
    expect((await versionsOf(post.id)).map((v) => [v.version, v.text, v.editor])).toEqual([
      [1, 'Old announcement, corrected', 6],
    ]);
  });

  it('says "unknown" when the event names no user (a robot, a workflow, an agent)', async () => {
    const post = api.portal.seed.post(7, 'Changed by a workflow');
    const response = await l.deliver({
      event: 'ONLIVEFEEDPOSTUPDATE',
      event_handler_id: '1',
      'data[FIELDS][POST_ID]': String(post.id),
      ts: String(Math.floor(Date.now() / 1000)),
      'auth[domain]': api.portal.domain,
      'auth[member_id]': api.portal.memberId,
      'auth[application_token]': api.portal.applicationToken,
    });
    expect(response.status).toBe(200);
    await l.processed();
    const [event] = await eventually(async () => {
      const found = await eventsOf(post.id);
      return found.length > 0 ? found : undefined;
    }, 'the edit event');
    expect(event).toMatchObject({ action: 'post.edited', actor: null });
    expect(event!.metadata).toMatchObject({ editor: 'unknown' });
    expect((await versionsOf(post.id))[0]!.editor).toBeNull();
  });
});
