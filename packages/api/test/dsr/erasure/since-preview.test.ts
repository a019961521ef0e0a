import { DELETED_MESSAGE_TEXT } from '@b24-gdpr/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { runErasure } from '../../../src/modules/dsr/erasure/index.ts';
import { ErasureItem } from '../../../src/modules/dsr/erasure-item.entity.ts';
import { seedScenario } from './scenario.ts';
import { checkpointOf, confirmErasure, createWorld, FAST_DELETE, pseudonymFor, type World } from './world.ts';

/**
 * The erasure erases what exists when it runs, not what the preview saw: items written after the preview
 * are erased too and listed as added since the preview; items gone since are skipped. Checked in the
 * portal's state and the stored ledger.
 */
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function erase(w: World, subjectId: number, requestId: string, previewDigests: Record<string, string>) {
  return runErasure({
    em: w.db.orm.em.fork(),
    requestId,
    subjectUserId: subjectId,
    clients: { admin: w.admin, asSubject: w.clientOf(subjectId) },
    pseudonymFor,
    policy: FAST_DELETE,
    previewDigests,
    ...(await checkpointOf(w, requestId)),
  });
}

const ledgerRow = (w: World, requestId: string, category: string, portalId: string) =>
  w.db.orm.em.fork().findOneOrFail(ErasureItem, { requestId, category, portalId });

describe('erasure after the portal changed since the preview', () => {
  it('erases a post, a task comment and a message the subject wrote after the preview, and lists them', async () => {
    world = await createWorld();
    const w = world;
    const s = seedScenario(w.portal);
    const { requestId, plan } = await confirmErasure(w, s.subject.ID);

    // The subject goes on writing, through the portal's REST with their own webhook.
    const asSubject = w.clientOf(s.subject.ID);
    const postId = await asSubject.call('log.blogpost.add', {
      POST_MESSAGE: 'Written after the preview',
      DEST: ['UA'],
    });
    const taskComment = (
      await asSubject.request('task.commentitem.add', {
        TASKID: s.tasks[0]!.id,
        FIELDS: { POST_MESSAGE: 'Also after the preview' },
      })
    ).result as number;
    const messageId = (
      await asSubject.request('im.message.add', {
        DIALOG_ID: `chat${s.chats.group.id}`,
        MESSAGE: 'Late news',
      })
    ).result as number;
    expect(w.portal.state.posts.has(Number(postId))).toBe(true);

    const result = await erase(w, s.subject.ID, requestId, plan.categoryDigests);

    // Gone from the portal, with everything else of the subject's.
    expect(w.portal.state.posts.has(Number(postId))).toBe(false);
    expect([...w.portal.state.posts.values()].filter((p) => p.authorId === s.subject.ID)).toEqual([]);
    expect(w.portal.state.taskComments.has(taskComment)).toBe(false);
    expect(w.portal.state.messages.get(messageId)).toMatchObject({
      deleted: true,
      text: DELETED_MESSAGE_TEXT,
    });

    // The ledger says where they came from, and the result says so too.
    for (const [category, portalId] of [
      ['live-feed-post', String(postId)],
      ['task-comment', `${s.tasks[0]!.id}:${taskComment}`],
    ] as const) {
      expect(await ledgerRow(w, requestId, category, portalId)).toMatchObject({
        state: 'DONE',
        addedSincePreview: true,
      });
    }
    const added = result.addedSincePreview.items.map((i) => [i.category, i.portalId]);
    expect(added).toEqual(
      expect.arrayContaining([
        ['live-feed-post', String(postId)],
        ['task-comment', `${s.tasks[0]!.id}:${taskComment}`],
        ['chat-message', `chat${s.chats.group.id}:${messageId}`],
      ]),
    );
    expect(result.addedSincePreview.count).toBe(3);
    expect(result.messages.join('\n')).toMatch(
      /3 items appeared since the preview .*added since the preview/,
    );
    expect(result.removed['task-comment']).toBe(1);
    expect(result.verification?.leftOver).toEqual([]);
    // Recorded once, before any deletion: a resume reads it back instead of collecting again.
    const { checkpoint } = await checkpointOf(w, requestId);
    expect(checkpoint.recollection).toMatchObject({ added: 3, skipped: 0 });
    expect(checkpoint.recollection?.changed.sort()).toEqual([
      'chat-message',
      'live-feed-post',
      'task-comment',
    ]);
  });

  it('skips what the subject deleted themselves between preview and erasure, without asking the portal again', async () => {
    world = await createWorld();
    const w = world;
    const s = seedScenario(w.portal);
    const { requestId, plan } = await confirmErasure(w, s.subject.ID);
    const [gone, ...rest] = s.subjectComments;
    await w.clientOf(s.subject.ID).call('log.blogcomment.delete', { COMMENT_ID: gone!.id });
    expect(w.portal.state.comments.has(gone!.id)).toBe(false);
    w.portal.counters.reset();

    const result = await erase(w, s.subject.ID, requestId, plan.categoryDigests);

    expect(await ledgerRow(w, requestId, 'live-feed-comment', String(gone!.id))).toMatchObject({
      state: 'SKIPPED',
      addedSincePreview: false,
    });
    expect(w.portal.counters.calls('log.blogcomment.delete', gone!.id)).toBe(0);
    for (const c of rest) expect(w.portal.state.comments.has(c.id)).toBe(false);
    expect(result.removed['live-feed-comment']).toBe(rest.length);
    expect(result.skippedSincePreview).toEqual({
      count: 1,
      items: [expect.objectContaining({ category: 'live-feed-comment', portalId: String(gone!.id) })],
    });
    expect(result.addedSincePreview.count).toBe(0);
    expect(result.verification?.leftOver).toEqual([]);
  });

  it('lists, erases and sweeps the subject’s task comments; other people’s stay', async () => {
    world = await createWorld();
    const w = world;
    const s = seedScenario(w.portal);
    const task = s.tasks[0]!;
    const own = [
      w.portal.seed.taskComment(task.id, s.subject.ID, 'Draft attached'),
      w.portal.seed.taskComment(s.tasks[1]!.id, s.subject.ID, 'Done'),
    ];
    const colleagues = w.portal.seed.taskComment(task.id, s.colleague.ID, 'Thanks');
    const { requestId, plan } = await confirmErasure(w, s.subject.ID);
    expect(plan.items.filter((i) => i.category === 'task-comment').map((i) => i.portalId)).toEqual(
      own.map((c) => `${c.taskId}:${c.id}`),
    );
    expect(plan.categories.find((c) => c.category === 'task-comment')).toMatchObject({ toDelete: 2 });

    const result = await erase(w, s.subject.ID, requestId, plan.categoryDigests);

    for (const c of own) expect(w.portal.state.taskComments.has(c.id)).toBe(false);
    expect(w.portal.state.taskComments.get(colleagues.id)).toMatchObject({ text: 'Thanks' });
    expect(w.portal.counters.calls('task.commentitem.delete')).toBe(2);
    expect(result.removed['task-comment']).toBe(2);
    expect(result.verification?.counts.find((c) => c.category === 'task-comment')).toEqual({
      category: 'task-comment',
      found: 0,
      kept: 0,
      leftOver: 0,
    });
    expect(result.verification?.leftOver).toEqual([]);
  });

  it('a resumed run does not collect again: a post written after the collection is left over, and named', async () => {
    world = await createWorld();
    const w = world;
    const s = seedScenario(w.portal);
    const { requestId, plan } = await confirmErasure(w, s.subject.ID);
    const clients = { admin: w.admin, asSubject: w.clientOf(s.subject.ID) };
    // Stopped at the first progress report: after the collection, before any deletion.
    const stop = new AbortController();
    await expect(
      runErasure({
        em: w.db.orm.em.fork(),
        requestId,
        subjectUserId: s.subject.ID,
        clients,
        pseudonymFor,
        policy: FAST_DELETE,
        previewDigests: plan.categoryDigests,
        signal: stop.signal,
        onProgress: () => stop.abort(),
        ...(await checkpointOf(w, requestId)),
      }),
    ).rejects.toThrow();
    expect((await checkpointOf(w, requestId)).checkpoint.recollectedAt).toBeDefined();
    const rows = await w.db.orm.em.fork().count(ErasureItem, { requestId });

    const lateId = Number(
      await clients.asSubject.call('log.blogpost.add', {
        POST_MESSAGE: 'Written during the run',
        DEST: ['UA'],
      }),
    );
    const result = await erase(w, s.subject.ID, requestId, plan.categoryDigests);

    // The ledger is what the first run collected: nothing added on resume.
    expect(await w.db.orm.em.fork().count(ErasureItem, { requestId })).toBe(rows);
    expect(w.portal.state.posts.has(lateId)).toBe(true);
    expect(result.verification?.leftOver).toEqual([
      {
        category: 'live-feed-post',
        portalId: String(lateId),
        label: expect.stringMatching(new RegExp(`^Live Feed post #${lateId} of `)),
      },
    ]);
    expect(result.verification?.counts.find((c) => c.category === 'live-feed-post')).toEqual({
      category: 'live-feed-post',
      found: 1,
      kept: 0,
      leftOver: 1,
    });
  });
});
