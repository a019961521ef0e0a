import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Bitrix24ServerError, LeakyBucketLimiter } from '../../../src/bitrix24/index.ts';
import { writeExportArchive } from '../../../src/modules/dsr/export/index.ts';
import { type ExportFixture, startExportFixture } from './support/export-fixture.ts';

let fixture: ExportFixture;
let subject: number;

beforeAll(async () => {
  fixture = await startExportFixture({
    sandbox: { dataset: 'empty', rateLimit: false },
    client: {
      limiter: new LeakyBucketLimiter({ burst: 50, drainPerSecond: 100 }),
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
    },
  });
  subject = fixture.portal.seed.user({ NAME: 'Cancel', LAST_NAME: 'Me' }).ID;
  const chat = fixture.portal.seed.privateChat(subject, 1);
  fixture.portal.seed.messages(chat.id, 6_000, { authorIds: [subject] });
});
beforeEach(() => fixture.portal.faults.clear());
afterAll(() => fixture?.close());

function start(signal?: AbortSignal) {
  const out = new PassThrough();
  out.resume();
  const progress: string[] = [];
  const done = writeExportArchive(
    {
      portal: fixture.admin,
      asSubject: fixture.clientFor(subject),
      em: fixture.db.orm.em.fork(),
      subjectUserId: subject,
      portalDomain: fixture.portal.domain,
      secret: fixture.secret,
    },
    out,
    (p) => progress.push(`${p.category}:${p.rows}`),
    signal,
  );
  return { out, done, progress };
}

describe('cancellation and failure', () => {
  it('stops between pages when the signal fires, and destroys the half-written archive', async () => {
    const controller = new AbortController();
    const before = fixture.portal.counters.snapshot().httpRequests;
    const { out, done } = start(controller.signal);
    const reason = new Error('cancelled by the user');
    // Cancel once the chat messages are under way.
    const timer = setInterval(() => {
      if (fixture.portal.counters.calls('im.dialog.messages.get') > 0) controller.abort(reason);
    }, 1);
    await expect(done).rejects.toBe(reason);
    clearInterval(timer);
    expect(out.destroyed).toBe(true);
    // 6,000 messages need 3 requests of their own; cancelled, the export asked for fewer and nothing after them.
    const after = fixture.portal.counters.snapshot();
    expect(after.calls['tasks.task.list'] ?? 0).toBe(0);
    expect(after.httpRequests - before).toBeLessThan(10);
  });

  it('does not start when the signal has already fired', async () => {
    const before = fixture.portal.counters.snapshot().httpRequests;
    const { done } = start(AbortSignal.abort(new Error('too late')));
    await expect(done).rejects.toThrow('too late');
    expect(fixture.portal.counters.snapshot().httpRequests).toBe(before);
  });

  it('fails, and destroys the archive, when the portal keeps failing after the retries', async () => {
    fixture.portal.faults.inject({ kind: 'internal-error', methods: ['batch'] });
    const { out, done } = start();
    await expect(done).rejects.toBeInstanceOf(Bitrix24ServerError);
    expect(out.destroyed).toBe(true);
  });

  it('goes on after a category the portal refuses, and says so', async () => {
    // An extranet user may not read calendars (the portal answers "Access denied").
    fixture.portal.state.users.get(subject)!.USER_TYPE = 'extranet';
    try {
      const extranetClient = fixture.clientFor(subject);
      const out = new PassThrough();
      out.resume();
      const manifest = await writeExportArchive(
        {
          portal: extranetClient,
          asSubject: extranetClient,
          em: fixture.db.orm.em.fork(),
          subjectUserId: subject,
          portalDomain: fixture.portal.domain,
          secret: fixture.secret,
        },
        out,
      );
      expect(manifest.notAccessible).toContainEqual(
        expect.objectContaining({
          category: 'calendar',
          partial: false,
          reason: expect.stringMatching(/Access denied/),
        }),
      );
      expect(manifest.categories.find((c) => c.name === 'chat-messages')?.rows).toBe(6_000);
      expect(manifest.categories.find((c) => c.name === 'calendar')?.rows).toBe(0);
    } finally {
      fixture.portal.state.users.get(subject)!.USER_TYPE = 'employee';
    }
  });
});
