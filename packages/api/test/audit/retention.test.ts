import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditFixture, auditFixture, drafts } from './support.ts';

const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const DAY = 86_400_000;

describe(`audit retention (on ${backend})`, () => {
  let f: AuditFixture;
  let clock = new Date();
  beforeAll(async () => {
    f = await auditFixture({ clock: () => clock });
  });
  afterAll(() => f?.close());

  const partitions = async () =>
    (
      await f.sql<{ name: string }>(
        `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = 'audit_event'::regclass order by 1`,
      )
    ).map((r) => r.name);

  it('drops whole months past retention and verifies the rest from the checkpoint', async () => {
    const now = new Date(Date.UTC(2026, 10, 23, 12));
    // Four months of events: 15, 14 and 13 months ago (past 400 days), and last month.
    const months = [15, 14, 13, 1].map((ago) => new Date(Date.UTC(2026, 10 - ago, 10, 12)));
    const written = [];
    for (const [i, at] of months.entries()) {
      clock = at;
      written.push(await f.audit.append(f.em(), drafts(5, i * 5)));
    }
    expect(await partitions()).toEqual([
      'audit_event_p202508',
      'audit_event_p202509',
      'audit_event_p202510',
      'audit_event_p202610',
    ]);
    const outcome = await f.audit.maintain(f.em(), now);
    // 400 days before 2026-11-23 is 2025-10-19: September 2025 and earlier are wholly past it; October 2025 is not.
    expect(outcome.purged).toEqual(['audit_event_p202508', 'audit_event_p202509']);
    expect(outcome.created).toEqual(['audit_event_p202611', 'audit_event_p202612', 'audit_event_p202701']);
    const lastPurged = written[1]!.at(-1)!;
    expect(outcome.checkpoint).toEqual({ seq: lastPurged.seq, hash: lastPurged.hash });

    // The purge is an event of the log (#21), which warrants the checkpoint; the tree keeps every leaf.
    const [purge] = await f.sql<{ seq: string; metadata: Record<string, unknown> }>(
      `select seq, metadata from audit_event where action = 'audit.retention.purged'`,
    );
    expect(purge).toMatchObject({ seq: '21', metadata: { throughSeq: 10, checkpointHash: lastPurged.hash } });
    expect(await f.sql('select count(*)::int as n from audit_leaf')).toEqual([{ n: 21 }]);
    const result = await f.audit.verify(f.em());
    expect(result).toMatchObject({ ok: true, checked: 11, fromSeq: 11, toSeq: 21, fromCheckpoint: true });
    expect(result.treeSize).toBe(21);

    // The chain goes on from where it was, and the first kept event must still follow the checkpoint.
    clock = now;
    await f.audit.append(f.em(), drafts(3, 100));
    expect(await f.audit.verify(f.em())).toMatchObject({ ok: true, checked: 14 });
    await f.sql('delete from audit_event where seq = 11');
    expect((await f.audit.verify(f.em())).problem).toMatchObject({ kind: 'REMOVED', seq: 11 });
  });

  it('keeps everything younger than the configured retention', async () => {
    const before = await partitions();
    const outcome = await f.audit.maintain(f.em(), new Date(Date.UTC(2026, 10, 23, 12) + 10 * DAY));
    expect(outcome.purged).toEqual([]);
    expect(await partitions()).toEqual(expect.arrayContaining(before));
  });
});
