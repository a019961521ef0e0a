import type { SandboxPortal } from '@b24-gdpr/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { DataSubjectRequest } from '../../../src/modules/dsr/data-subject-request.entity.ts';
import {
  claimPending,
  executeErasureLedger,
  ledgerCounts,
  parseMessageRef,
  runErasure,
} from '../../../src/modules/dsr/erasure/index.ts';
import { ErasureItem } from '../../../src/modules/dsr/erasure-item.entity.ts';
import {
  checkpointOf,
  confirmErasure,
  createWorld,
  FAST_DELETE,
  fullProfile,
  pseudonymFor,
  type World,
} from './world.ts';

const MESSAGES = 5_000;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/**
 * A subject who wrote 5,000 messages in one chat, among 500 of a colleague's. The administrator is in the
 * chat, so it can read back a batch whose outcome is unknown (in a group chat it is not in it could not,
 * and such a batch would be kept as unconfirmed: README.md).
 */
async function bigSubject() {
  world = await createWorld();
  const subject = world.portal.seed.user(fullProfile('Vera', 'Verbose'));
  const colleague = world.portal.seed.user(fullProfile('Max', 'Muster'));
  const chat = world.portal.seed.chat([subject.ID, colleague.ID, 1], { title: 'Daily' });
  const mine = world.portal.seed.messages(chat.id, MESSAGES, { authorIds: [subject.ID] });
  world.portal.seed.messages(chat.id, 500, { authorIds: [colleague.ID] });
  const { requestId, plan } = await confirmErasure(world, subject.ID);
  expect(plan.items).toHaveLength(MESSAGES);
  // As the run leaves it before messages are deleted: the administrator deletes a deactivated author's.
  subject.ACTIVE = false;
  world.portal.counters.reset();
  return { w: world, subject, ids: mine.map((m) => m.id), requestId };
}

/** What "exactly once" means, read off the portal's own per-target counters. */
function expectEachDeletedOnce(portal: SandboxPortal, ids: number[]) {
  const twice = ids.filter((id) => portal.counters.calls('im.message.delete', id) !== 1);
  expect(twice).toEqual([]);
  expect(portal.counters.calls('im.message.delete')).toBe(ids.length);
  expect(ids.every((id) => portal.state.messages.get(id)?.deleted)).toBe(true);
}

function clientsFor(w: World) {
  return { admin: w.clientOf(1), adminUserId: 1, subjectDeactivated: true };
}

describe('exactly once, 5,000 chat messages', () => {
  it('cancelled between batches, then resumed by a fresh executor', async () => {
    const { w, subject, ids, requestId } = await bigSubject();
    const controller = new AbortController();
    const first = executeErasureLedger({
      em: w.db.orm.em.fork(),
      requestId,
      subjectUserId: subject.ID,
      clients: clientsFor(w),
      signal: controller.signal,
      policy: FAST_DELETE,
      onProgress: (done) => {
        if (done >= 1_200) controller.abort(new Error('cancelled by the administrator'));
      },
    });
    await expect(first).rejects.toThrow('cancelled by the administrator');
    const stopped = (await ledgerCounts(w.db.orm.em.fork(), requestId)).get('chat-message')!;
    expect(stopped).toMatchObject({ DONE: 1_200, IN_FLIGHT: 0, PENDING: MESSAGES - 1_200 });
    expect(w.portal.counters.calls('im.message.delete')).toBe(1_200);

    const progress: number[] = [];
    const summary = await executeErasureLedger({
      em: w.db.orm.em.fork(),
      requestId,
      subjectUserId: subject.ID,
      clients: clientsFor(w),
      policy: FAST_DELETE,
      onProgress: (done, total) => {
        progress.push(done);
        expect(total).toBe(MESSAGES);
      },
    });
    expect(summary.removed['chat-message']).toBe(MESSAGES);
    expect(progress[0]).toBe(1_200);
    expect(progress.at(-1)).toBe(MESSAGES);
    expectEachDeletedOnce(w.portal, ids);
    // One batch of 50 per request, nothing else.
    expect(w.portal.counters.httpFor('batch')).toBe(MESSAGES / 50);
  });

  it('crashed after the portal deleted a batch but before DONE was committed, then resumed', async () => {
    const { w, subject, ids, requestId } = await bigSubject();
    const em = w.db.orm.em.fork();
    // A first run got through 20 batches...
    for (let i = 0; i < 20; i++) {
      const rows = await claimPending(em, requestId, 'chat-message', 50);
      const answer = await w.admin.batch(
        Object.fromEntries(
          rows.map((row, n) => [
            `d${n}`,
            {
              method: 'im.message.delete' as const,
              params: { MESSAGE_ID: parseMessageRef(row.portalId).messageId },
            },
          ]),
        ),
      );
      expect(Object.values(answer).every((a) => a.status === 'ok')).toBe(true);
      // ...and for the first 19 it recorded DONE. The 20th: the portal deleted them, then the process died.
      if (i < 19)
        await em.nativeUpdate(ErasureItem, { id: { $in: rows.map((r) => r.id) } }, { state: 'DONE' });
    }
    // A 21st batch was marked IN_FLIGHT, and the process died before sending it.
    await claimPending(em, requestId, 'chat-message', 50);
    expect((await ledgerCounts(em, requestId)).get('chat-message')).toMatchObject({
      DONE: 950,
      IN_FLIGHT: 100,
    });
    expect(w.portal.counters.calls('im.message.delete')).toBe(1_000);

    // A fresh process resumes the request from its checkpoint, which says the inventory was taken as the
    // subject and the account deactivated.
    const before = await checkpointOf(w, requestId);
    const at = new Date().toISOString();
    await before.saveCheckpoint({
      erasureStartedAt: at,
      recollectedAt: at,
      recollection: { changed: [], added: 0, skipped: 0, readAsSubject: true },
      accountDeactivatedAt: at,
    });
    const { checkpoint, saveCheckpoint } = await checkpointOf(w, requestId);
    const result = await runErasure({
      em: w.db.orm.em.fork(),
      requestId,
      subjectUserId: subject.ID,
      clients: clientsFor(w),
      pseudonymFor,
      policy: FAST_DELETE,
      checkpoint,
      saveCheckpoint,
    });
    expectEachDeletedOnce(w.portal, ids);
    expect(result.removed['chat-message']).toBe(MESSAGES);
    expect(result.account.deactivated).toBe(true);
    const counts = (await ledgerCounts(w.db.orm.em.fork(), requestId)).get('chat-message');
    expect(counts).toEqual({ PENDING: 0, IN_FLIGHT: 0, DONE: MESSAGES, KEPT: 0, SKIPPED: 0 });
    const saved = await w.db.orm.em.fork().findOneOrFail(DataSubjectRequest, requestId);
    expect(saved.checkpoint).toHaveProperty('accountDeactivatedAt');
    expect(w.portal.state.user(subject.ID)).toMatchObject({ ACTIVE: false, NAME: pseudonymFor(subject.ID) });
  });
});
