import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_COLUMNS, type EventRow, toRecord } from '../../src/modules/audit/audit-sql.ts';
import { type AuditFixture, auditFixture, draft, drafts } from './support.ts';

const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

describe(`audit hash chain (on ${backend})`, () => {
  let f: AuditFixture;
  beforeAll(async () => {
    f = await auditFixture();
  });
  afterAll(() => f?.close());
  beforeEach(() => f.reset());

  const seqOf = async (seq: number) =>
    (await f.sql<{ id: string }>('select id from audit_event where seq = ?', [seq]))[0]!.id;

  it('links each event to the one before and verifies an untouched log', async () => {
    const stored = await f.audit.append(f.em(), drafts(10));
    expect(stored.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(stored[0]!.prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < stored.length; i++) expect(stored[i]!.prevHash).toBe(stored[i - 1]!.hash);
    await f.audit.append(f.em(), drafts(5, 10));
    const result = await f.audit.verify(f.em());
    expect(result).toMatchObject({ ok: true, checked: 15, fromSeq: 1, toSeq: 15, problem: null });
  });

  it('stores every column as given, whatever characters its text holds', async () => {
    // Text that array and JSON literals treat specially: NULL, quotes, backslashes, braces, commas, blanks.
    const texts = ['NULL', '', '"quoted" \\ {braced}, and comma', 'é😀\u2028\t', ' spaced '];
    const stored = await f.audit.append(
      f.em(),
      texts.map((text, i) =>
        draft(i, {
          ip: text,
          userAgent: text,
          target: { type: `t${text}`, id: text },
          metadata: { text, list: [text, null, 1.5, { '': text }] },
        }),
      ),
    );
    const rows = await f.sql<EventRow>(`select ${EVENT_COLUMNS} from audit_event order by seq`);
    expect(rows.map(toRecord)).toEqual(stored);
    expect(stored.map((e) => e.userAgent)).toEqual(texts);
    expect(await f.audit.verify(f.em())).toMatchObject({ ok: true, checked: texts.length });
  });

  it('stores the session key as SHA-256 of the token, never the token', async () => {
    await f.audit.append(f.em(), drafts(1));
    const rows = await f.sql<{ session_key: string }>('select session_key from audit_event');
    expect(rows[0]!.session_key).toMatch(/^[0-9a-f]{64}$/);
    const dump = JSON.stringify(await f.sql('select * from audit_event'));
    expect(dump).not.toContain('session-0');
  });

  it('names the event whose row was altered with SQL', async () => {
    await f.audit.append(f.em(), drafts(10));
    const id = await seqOf(4);
    await f.sql(`update audit_event set action = 'message.deleted' where seq = 4`);
    const result = await f.audit.verify(f.em());
    expect(result).toMatchObject({
      ok: false,
      checked: 3,
      problem: { kind: 'CHANGED', seq: 4, eventId: id },
    });
  });

  it('names an altered subject id, IP or metadata the same way', async () => {
    await f.audit.append(f.em(), drafts(6));
    const id = await seqOf(2);
    await f.sql(`update audit_event set actor = '99' where seq = 2`);
    expect((await f.audit.verify(f.em())).problem).toMatchObject({ kind: 'CHANGED', seq: 2, eventId: id });
    await f.reset();
    await f.audit.append(f.em(), drafts(6));
    const other = await seqOf(5);
    await f.sql(`update audit_event set metadata = '{"chatId": 8}' where seq = 5`);
    expect((await f.audit.verify(f.em())).problem).toMatchObject({ kind: 'CHANGED', seq: 5, eventId: other });
  });

  it('names the position of a deleted row', async () => {
    await f.audit.append(f.em(), drafts(10));
    await f.sql('delete from audit_event where seq = 5');
    const result = await f.audit.verify(f.em());
    expect(result).toMatchObject({
      ok: false,
      checked: 4,
      problem: { kind: 'REMOVED', seq: 5, eventId: null },
    });
  });

  it('notices rows deleted from the end of the chain', async () => {
    await f.audit.append(f.em(), drafts(10));
    await f.sql('delete from audit_event where seq >= 9');
    const result = await f.audit.verify(f.em());
    expect(result).toMatchObject({ ok: false, checked: 8, problem: { kind: 'REMOVED', seq: 9 } });
  });

  it('names the first event of two swapped rows', async () => {
    await f.audit.append(f.em(), drafts(10));
    const [third, sixth] = [await seqOf(3), await seqOf(6)];
    await f.sql('update audit_event set seq = case seq when 3 then 6 else 3 end where seq in (3, 6)');
    const result = await f.audit.verify(f.em());
    expect(result).toMatchObject({
      ok: false,
      checked: 2,
      problem: { kind: 'REORDERED', seq: 3, eventId: sixth },
    });
    expect(third).not.toBe(sixth);
  });

  it('verifies a time range on its own', async () => {
    await f.audit.append(f.em(), drafts(5));
    await new Promise((r) => setTimeout(r, 5));
    await f.audit.append(f.em(), drafts(5, 5));
    // The boundary is the sixth event's own receipt time: a clock read between the two appends can land
    // on either side of it under load (the receipt time is taken under the lock, later than the call).
    const [{ at }] = (await f.sql<{ at: Date }>(
      'select received_at as at from audit_event where seq = 6',
    )) as [{ at: Date }];
    const later = await f.audit.verify(f.em(), { from: new Date(at) });
    expect(later).toMatchObject({ ok: true, checked: 5, fromSeq: 6, toSeq: 10 });
    const earlier = await f.audit.verify(f.em(), { to: new Date(at) });
    expect(earlier).toMatchObject({ ok: true, checked: 5, fromSeq: 1, toSeq: 5 });
  });

  it('writes nothing when the caller’s transaction rolls back', async () => {
    await f.audit.append(f.em(), drafts(3));
    await expect(
      f.em().transactional(async (tx) => {
        await f.audit.append(tx, drafts(3, 3));
        throw new Error('the mutation failed');
      }),
    ).rejects.toThrow('the mutation failed');
    const stored = await f.audit.append(f.em(), drafts(2, 6));
    expect(stored.map((e) => e.seq)).toEqual([4, 5]);
    expect(await f.audit.verify(f.em())).toMatchObject({ ok: true, checked: 5 });
  });

  it('makes one gapless chain of 8 writers appending in parallel', async () => {
    const writers = Array.from({ length: 8 }, (_, w) =>
      (async () => {
        for (let batch = 0; batch < 5; batch++) {
          await f.audit.append(f.em(), drafts(20, w * 1000 + batch * 20));
        }
      })(),
    );
    await Promise.all(writers);
    const rows = await f.sql<{ seq: string }>('select seq from audit_event order by seq');
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 800 }, (_, i) => i + 1));
    expect(await f.audit.verify(f.em())).toMatchObject({ ok: true, checked: 800 });
  });

  it('stores an idempotency key once, also within one batch', async () => {
    const first = await f.audit.append(f.em(), [...drafts(3), ...drafts(1)]);
    expect(first).toHaveLength(3);
    expect(await f.audit.append(f.em(), drafts(4))).toHaveLength(1);
    expect(await f.audit.append(f.em(), drafts(4), { submitter: 'someone else' })).toHaveLength(4);
  });
});
