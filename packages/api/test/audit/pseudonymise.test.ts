import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('detects a plain subject id rewritten to a pseudonym without the key', async () => {
    await f.reset();
    await f.audit.append(f.em(), [draft(1, { actorId: 5 }), draft(2, { actorId: 6 })]);
    await f.sql(
      `update audit_event set actor = 'anon:0000000000000000', sealed = '{"actor":"0"}' where seq = 2`,
    );
    expect((await f.audit.verify(f.em())).problem).toMatchObject({ kind: 'CHANGED', seq: 2 });
  });
});
