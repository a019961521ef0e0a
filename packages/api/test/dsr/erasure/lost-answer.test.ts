import type { Fault } from '@b24-gdpr/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { Bitrix24TransportError } from '../../../src/bitrix24/index.ts';
import {
  executeErasureLedger,
  keptRows,
  ledgerCounts,
  recollectPlan,
} from '../../../src/modules/dsr/erasure/index.ts';
import { confirmErasure, createWorld, FAST_DELETE, fullProfile, type World } from './world.ts';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function subjectWith(messages: number) {
  world = await createWorld();
  const subject = world.portal.seed.user(fullProfile('Lena', 'Lost'));
  const chat = world.portal.seed.chat([subject.ID, 1], { title: 'Ops' });
  const ids = world.portal.seed.messages(chat.id, messages, { authorIds: [subject.ID] }).map((m) => m.id);
  const { requestId } = await confirmErasure(world, subject.ID);
  // As the run leaves it before messages are deleted: the administrator deletes a deactivated author's.
  subject.ACTIVE = false;
  world.portal.counters.reset();
  return { w: world, subject, ids, requestId };
}

/** The portal runs the batch, but its answer arrives after the client gave up. */
const LOST_ANSWER: Fault = { kind: 'latency', methods: ['batch'], latencyMs: 500, count: 1 };

describe('a delete batch whose answer is lost', () => {
  it('resent blindly by the client, deletes twice: why delete batches opt out of client retries', async () => {
    const { w, ids } = await subjectWith(50);
    w.portal.faults.inject(LOST_ANSWER);
    const naive = w.clientOf(1, { timeoutMs: 200 });
    const commands = Object.fromEntries(
      ids.map((id, i) => [`d${i}`, { method: 'im.message.delete' as const, params: { MESSAGE_ID: id } }]),
    );
    await naive.batch(commands);
    await new Promise((r) => setTimeout(r, 600));
    // The retry deleted them; then the first request, still running on the portal, tried again.
    expect(ids.every((id) => w.portal.counters.calls('im.message.delete', id) === 2)).toBe(true);
  });

  it('is read back after the portal had time to finish, and nothing is sent twice', async () => {
    const { w, subject, ids, requestId } = await subjectWith(120);
    w.portal.faults.inject(LOST_ANSWER);
    const clients = { admin: w.clientOf(1, { timeoutMs: 200 }), subjectDeactivated: true };
    await executeErasureLedger({
      em: w.db.orm.em.fork(),
      requestId,
      subjectUserId: subject.ID,
      clients,
      policy: { ...FAST_DELETE, settleMs: 700 },
    });
    expect(ids.filter((id) => w.portal.counters.calls('im.message.delete', id) !== 1)).toEqual([]);
    // Three delete batches, plus a read-back of the first (more only if a machine this slow times out again).
    expect(w.portal.counters.httpFor('batch')).toBeGreaterThanOrEqual(4);
    expect(w.portal.counters.calls('im.dialog.messages.get')).toBeGreaterThanOrEqual(50);
    expect((await ledgerCounts(w.db.orm.em.fork(), requestId)).get('chat-message')).toMatchObject({
      DONE: 120,
    });
  });

  it('reading back too early would race the portal: the run waits settleMs after sending', async () => {
    const { w, subject, requestId } = await subjectWith(50);
    w.portal.faults.inject({ ...LOST_ANSWER, latencyMs: 250 });
    // The client gives up after 50 ms; reading back before the portal finished would find the items still there.
    const started = Date.now();
    await executeErasureLedger({
      em: w.db.orm.em.fork(),
      requestId,
      subjectUserId: subject.ID,
      clients: { admin: w.clientOf(1, { timeoutMs: 50 }), subjectDeactivated: true },
      policy: { ...FAST_DELETE, settleMs: 400 },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(w.portal.counters.calls('im.message.delete')).toBe(50);
  });

  it('a dropped connection and a 500 are read back (nothing ran), then resent once', async () => {
    const { w, subject, ids, requestId } = await subjectWith(100);
    w.portal.faults.inject({ kind: 'drop-connection', methods: ['batch'], count: 1 });
    w.portal.faults.inject({ kind: 'internal-error', methods: ['batch'], count: 1 });
    await executeErasureLedger({
      em: w.db.orm.em.fork(),
      requestId,
      subjectUserId: subject.ID,
      clients: { admin: w.admin, subjectDeactivated: true },
      policy: FAST_DELETE,
    });
    expect(ids.filter((id) => w.portal.counters.calls('im.message.delete', id) !== 1)).toEqual([]);
    expect(w.portal.counters.snapshot().httpByStatus).toMatchObject({ '0': 1, '500': 1 });
  });

  it('gives up for now after too many failures, leaving the batch IN_FLIGHT for the next run', async () => {
    const { w, subject, ids, requestId } = await subjectWith(60);
    w.portal.faults.inject({ kind: 'drop-connection', methods: ['batch'], count: 3 });
    const run = () =>
      executeErasureLedger({
        em: w.db.orm.em.fork(),
        requestId,
        subjectUserId: subject.ID,
        clients: { admin: w.clientOf(1, { retry: { maxAttempts: 1 } }), subjectDeactivated: true },
        policy: { ...FAST_DELETE, maxAttempts: 1 },
      });
    await expect(run()).rejects.toBeInstanceOf(Bitrix24TransportError);
    expect((await ledgerCounts(w.db.orm.em.fork(), requestId)).get('chat-message')).toMatchObject({
      IN_FLIGHT: 50,
      PENDING: 10,
    });
    // The read-back of the IN_FLIGHT batch fails once more, then the next run gets through.
    await expect(run()).rejects.toBeInstanceOf(Bitrix24TransportError);
    await run();
    expect(ids.filter((id) => w.portal.counters.calls('im.message.delete', id) !== 1)).toEqual([]);
  });
});

describe('a lost answer in a group chat the administrator is not in', () => {
  /**
   * The subject and users 3 and 4 in a group chat without the administrator. The inventory is taken as
   * the subject while active (recording the chat's members); then the account is deactivated and the
   * administrator deletes, its first batch's answer lost.
   */
  async function groupChatWithoutAdmin(messages: number) {
    world = await createWorld();
    const w = world;
    const subject = w.portal.seed.user(fullProfile('Gita', 'Group'));
    const three = w.portal.seed.user(fullProfile('Tom', 'Three'));
    const four = w.portal.seed.user(fullProfile('Flo', 'Four'));
    const chat = w.portal.seed.chat([subject.ID, three.ID, four.ID], { type: 'chat', title: 'Side room' });
    const ids = w.portal.seed.messages(chat.id, messages, { authorIds: [subject.ID] }).map((m) => m.id);
    const { requestId } = await confirmErasure(w, subject.ID);
    const recollection = await recollectPlan({
      em: w.db.orm.em.fork(),
      requestId,
      subjectUserId: subject.ID,
      clients: { admin: w.admin, adminUserId: 1, asSubject: w.clientOf(subject.ID) },
      previewDigests: undefined,
    });
    subject.ACTIVE = false;
    w.portal.counters.reset();
    w.portal.faults.inject(LOST_ANSWER);
    const erase = (readable: number[]) =>
      executeErasureLedger({
        em: w.db.orm.em.fork(),
        requestId,
        subjectUserId: subject.ID,
        clients: {
          admin: w.clientOf(1, { timeoutMs: 200 }),
          adminUserId: 1,
          subjectDeactivated: true,
          // Whose credentials we hold now: the subject's are gone with the account.
          readerFor: async (id: number) => (readable.includes(id) ? w.clientOf(id) : undefined),
          groupChatMembers: recollection.groupChatMembers,
        },
        policy: { ...FAST_DELETE, settleMs: 700 },
      });
    return { w, ids, requestId, recollection, chat, three, four, erase };
  }

  it('is read back through another member the inventory recorded, and nothing is deleted twice', async () => {
    const { w, ids, requestId, recollection, chat, three, four, erase } = await groupChatWithoutAdmin(80);
    // The inventory recorded who else is in the chat (the administrator is not).
    expect(recollection.groupChatMembers).toEqual({ [`chat${chat.id}`]: [three.ID, four.ID] });
    // Only user 4's credentials are usable now: user 3 is passed over.
    await erase([four.ID]);
    expect(ids.filter((id) => w.portal.counters.calls('im.message.delete', id) !== 1)).toEqual([]);
    expect(ids.every((id) => w.portal.state.messages.get(id)?.deleted === true)).toBe(true);
    expect((await ledgerCounts(w.db.orm.em.fork(), requestId)).get('chat-message')).toMatchObject({
      DONE: 80,
      KEPT: 0,
    });
  });

  it('with no member whose credentials we hold, is kept as unconfirmed, never deleted again', async () => {
    const { w, ids, requestId, erase } = await groupChatWithoutAdmin(80);
    await erase([]);
    expect(ids.filter((id) => w.portal.counters.calls('im.message.delete', id) !== 1)).toEqual([]);
    expect((await ledgerCounts(w.db.orm.em.fork(), requestId)).get('chat-message')).toMatchObject({
      DONE: 30,
      KEPT: 50,
    });
    const kept = await keptRows(w.db.orm.em.fork(), requestId);
    expect(kept.filter((row) => row.category === 'chat-message').map((row) => row.reason)).toEqual(
      Array(50).fill(expect.stringMatching(/could not be read back to confirm its deletion: NO_READER/)),
    );
  });
});
