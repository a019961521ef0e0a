import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERASED_TEXT } from '../../src/modules/audit/audit-metadata-rule.ts';
import { type AuditFixture, auditFixture, draft } from './support.ts';

const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

describe(`audit pseudonymisation (on ${backend})`, () => {
  let f: AuditFixture;
  beforeAll(async () => {
    f = await auditFixture();
  });
  afterAll(() => f?.close());

  it('replaces the subject’s ids with the keyed pseudonym and the chain still verifies', async () => {
    const subject = 42;
    await f.audit.append(f.em(), [
      draft(1, { actorId: subject }),
      draft(2, { actorId: 1, onBehalfOfId: subject, action: 'impersonation.started' }),
      draft(3, { actorId: 1, target: { type: 'user', id: subject }, action: 'rights.updated' }),
      draft(4, { actorId: 7, target: { type: 'message', id: '42' } }),
      draft(5, { actorId: 7 }),
    ]);
    expect(await f.audit.verify(f.em())).toMatchObject({ ok: true, checked: 5 });

    const outcome = await f.audit.pseudonymiseSubject(f.em(), subject);
    expect(outcome).toEqual({ events: 3 });
    const pseudonym = f.secret.pseudonymousId(subject);
    const rows = await f.sql<Record<string, string | null>>(
      'select seq, actor, on_behalf_of, target_type, target_id, session_key, ip, user_agent from audit_event order by seq',
    );
    expect(rows[0]).toMatchObject({ actor: pseudonym, session_key: null, ip: null, user_agent: null });
    expect(rows[1]).toMatchObject({ actor: '1', on_behalf_of: pseudonym, ip: '192.0.2.7' });
    expect(rows[2]).toMatchObject({ actor: '1', target_type: 'user', target_id: pseudonym });
    // A message whose id happens to be 42 is not the user 42.
    expect(rows[3]).toMatchObject({ target_type: 'message', target_id: '42' });
    const subjectIds = await f.sql(
      `select seq from audit_event where actor = '42' or on_behalf_of = '42' or (target_type = 'user' and target_id = '42')`,
    );
    expect(subjectIds).toEqual([]);

    expect(await f.audit.verify(f.em())).toMatchObject({ ok: true, checked: 5 });
    // Idempotent, and a sealed row still detects tampering with what it kept.
    expect(await f.audit.pseudonymiseSubject(f.em(), subject)).toEqual({ events: 0 });
    await f.sql(`update audit_event set action = 'auth.signin' where seq = 1`);
    expect((await f.audit.verify(f.em())).problem).toMatchObject({ kind: 'CHANGED', seq: 1 });
  });

  it('names a sealed event whose pseudonym was rewritten to another user, or whose seal was dropped', async () => {
    await f.reset();
    await f.audit.append(f.em(), [
      draft(1, { actorId: 42 }),
      draft(2, { actorId: 1, onBehalfOfId: 42, action: 'impersonation.started' }),
    ]);
    await f.audit.pseudonymiseSubject(f.em(), 42);
    expect(await f.audit.verify(f.em())).toMatchObject({ ok: true, checked: 2 });
    const [row] = await f.sql<{ id: string; sealed: unknown }>(
      'select id, sealed from audit_event where seq = 1',
    );
    const changed = { kind: 'CHANGED', seq: 1, eventId: row!.id };
    const tamper = async (assignments: string) => {
      await f.sql(`update audit_event set ${assignments} where seq = 1`);
      const result = await f.audit.verify(f.em());
      await f.sql(`update audit_event set actor = ?, ip = null, sealed = ?::jsonb where seq = 1`, [
        f.secret.pseudonymousId(42),
        JSON.stringify(row!.sealed),
      ]);
      return result.problem;
    };
    // The action blamed on another, real user; another pseudonym; a value erasure had cleared.
    expect(await tamper(`actor = '7'`)).toMatchObject(changed);
    expect(await tamper(`actor = 'anon:0000000000000000'`)).toMatchObject(changed);
    expect(await tamper(`ip = '198.51.100.1'`)).toMatchObject(changed);
    expect(await tamper(`sealed = sealed - 'pseudonymisedColumns'`)).toMatchObject(changed);
    expect(await f.audit.verify(f.em())).toMatchObject({ ok: true, checked: 2 });
  });

  it('detects a plain subject id rewritten to a pseudonym without the key', async () => {
    await f.reset();
    await f.audit.append(f.em(), [draft(1, { actorId: 5 }), draft(2, { actorId: 6 })]);
    await f.sql(
      `update audit_event set actor = 'anon:0000000000000000', sealed = '{"actor":"0"}' where seq = 2`,
    );
    expect((await f.audit.verify(f.em())).problem).toMatchObject({ kind: 'CHANGED', seq: 2 });
  });

  describe('metadata', () => {
    const subject = 42;
    const metadataOf = async (seq: number) =>
      (
        await f.sql<{ metadata: Record<string, unknown> }>('select metadata from audit_event where seq = ?', [
          seq,
        ])
      )[0]!.metadata;

    beforeAll(async () => {
      await f.reset();
      await f.audit.append(f.em(), [
        draft(1, {
          actorId: 1,
          action: 'impersonation.started',
          target: { type: 'user', id: subject },
          metadata: { sessionId: 's1', reason: 'Alice Smith asked for help with her mail' },
        }),
        draft(2, {
          actorId: 1,
          action: 'token.revoked',
          target: { type: 'token', id: 't1' },
          metadata: { ownerUserId: subject, kind: 'user' },
        }),
        draft(3, {
          actorId: subject,
          action: 'dsr.erase.requested',
          target: { type: 'user', id: subject },
          metadata: { requestId: 'r1', requester: { kind: 'user' } },
        }),
        draft(4, {
          actorId: null,
          action: 'dsr.erase.failed',
          target: { type: 'request', id: 'r1' },
          metadata: { type: 'ERASE', error: 'Alice Smith (user 42): portal refused' },
        }),
        // Untouched: another user's token, someone else's reason, the number 42 under keys that are no user id.
        draft(5, {
          actorId: 1,
          action: 'token.revoked',
          target: { type: 'token', id: 't2' },
          metadata: { ownerUserId: 43, kind: 'user' },
        }),
        draft(6, {
          actorId: 7,
          action: 'impersonation.started',
          target: { type: 'user', id: 8 },
          metadata: { sessionId: 's2', reason: 'Bob’s own reason', chatId: 42 },
        }),
        draft(7, { actorId: 7, target: { type: 'request', id: 'r2' }, metadata: { error: 'other' } }),
        // Linked only by their id deep in the metadata, as a string and in an array.
        draft(8, {
          actorId: 7,
          action: 'rights.updated',
          target: { type: 'group', id: 'g1' },
          metadata: { changes: [{ targetUserId: '42', note: 'Alice leaves' }], userIds: [41, 42] },
        }),
      ]);
      expect(await f.audit.pseudonymiseSubject(f.em(), subject)).toEqual({ events: 5 });
    });

    it('no longer holds the subject’s id or text about them, and the whole log verifies', async () => {
      const pseudonym = f.secret.pseudonymousId(subject);
      expect(await metadataOf(1)).toEqual({ sessionId: 's1', reason: ERASED_TEXT });
      expect(await metadataOf(2)).toEqual({ ownerUserId: pseudonym, kind: 'user' });
      expect(await metadataOf(3)).toEqual({ requestId: 'r1', requester: { kind: 'user' } });
      expect(await metadataOf(4)).toEqual({ type: 'ERASE', error: ERASED_TEXT });
      const dump = JSON.stringify(await f.sql('select * from audit_event'));
      expect(dump).not.toContain('Alice');
      expect(dump).not.toMatch(/UserId":\s*"?42\b/);
      expect(await metadataOf(5)).toEqual({ ownerUserId: 43, kind: 'user' });
      expect(await metadataOf(6)).toEqual({ sessionId: 's2', reason: 'Bob’s own reason', chatId: 42 });
      expect(await metadataOf(7)).toEqual({ error: 'other' });
      expect(await metadataOf(8)).toEqual({
        changes: [{ targetUserId: pseudonym, note: ERASED_TEXT }],
        userIds: [41, pseudonym],
      });
      expect(await f.audit.verify(f.em())).toMatchObject({ ok: true, checked: 8 });
      expect(await f.audit.pseudonymiseSubject(f.em(), subject)).toEqual({ events: 0 });
      expect(await f.audit.verify(f.em())).toMatchObject({ ok: true, checked: 8 });
    });

    it('names an untouched event whose metadata was changed with SQL', async () => {
      const [row] = await f.sql<{ id: string }>('select id from audit_event where seq = 6');
      await f.sql(
        `update audit_event set metadata = jsonb_set(metadata, '{reason}', '"routine"') where seq = 6`,
      );
      expect((await f.audit.verify(f.em())).problem).toMatchObject({
        kind: 'CHANGED',
        seq: 6,
        eventId: row!.id,
      });
      await f.sql(
        `update audit_event set metadata = jsonb_set(metadata, '{reason}', '"Bob’s own reason"') where seq = 6`,
      );
      expect(await f.audit.verify(f.em())).toMatchObject({ ok: true, checked: 8 });
    });

    it('names a sealed event whose pseudonymised metadata, or its seal, was changed with SQL', async () => {
      const [row] = await f.sql<{ id: string; metadata: unknown; sealed: unknown }>(
        'select id, metadata, sealed from audit_event where seq = 2',
      );
      const restore = () =>
        f.sql('update audit_event set metadata = ?::jsonb, sealed = ?::jsonb where seq = 2', [
          JSON.stringify(row!.metadata),
          JSON.stringify(row!.sealed),
        ]);
      const changed = { kind: 'CHANGED', seq: 2, eventId: row!.id };
      await f.sql(
        `update audit_event set metadata = jsonb_set(metadata, '{kind}', '"integrator"') where seq = 2`,
      );
      expect((await f.audit.verify(f.em())).problem).toMatchObject(changed);
      await restore();
      await f.sql(`update audit_event set sealed = sealed - 'pseudonymisedMetadata' where seq = 2`);
      expect((await f.audit.verify(f.em())).problem).toMatchObject(changed);
      await restore();
      await f.sql(`update audit_event set sealed = sealed - 'metadata' where seq = 2`);
      expect((await f.audit.verify(f.em())).problem).toMatchObject(changed);
      await restore();
      expect(await f.audit.verify(f.em())).toMatchObject({ ok: true, checked: 8 });
    });
  });
});
