import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseHeads, type TreeHead } from '../../src/modules/audit/audit-tree-head.ts';
import { type AuditFixture, auditFixture, drafts, forgedPurge, rewindLog, testSigner } from './support.ts';

const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

/**
 * An insider with the API's own database connection rewrites the log with SQL, recomputing what the
 * database holds (chain, leaves, frontier, even appending through audit_append), and removes the heads
 * the log stored. An auditor kept earlier signed heads outside: the verifier names each attack and the
 * head that exposes it.
 */
describe(`audit log attacks by a database insider (on ${backend})`, () => {
  let f: AuditFixture;
  beforeAll(async () => {
    f = await auditFixture({ signer: testSigner(), headIntervalMs: 0 });
  });
  afterAll(() => f?.close());

  /** Heads as an auditor keeps them: JSON in a file, read back. */
  const keep = (head: TreeHead) => parseHeads(JSON.parse(JSON.stringify(head)))[0]!;
  let h5: TreeHead;
  let h10: TreeHead;
  beforeEach(async () => {
    await f.reset();
    await f.audit.append(f.em(), drafts(5));
    h5 = keep(await f.audit.treeHead(f.em()));
    await f.audit.append(f.em(), drafts(5, 5));
    h10 = keep(await f.audit.treeHead(f.em()));
  });

  const row = async (seq: number) =>
    (await f.sql<{ id: string; hash: string }>('select id, hash from audit_event where seq = ?', [seq]))[0]!;
  const verify = (heads: TreeHead[] = []) => f.audit.verify(f.em(), { heads });
  const rewindTo = (size: number) => rewindLog(f.sql, size);

  it('names a row inserted past the head, which auditEvents lists', async () => {
    await f.sql(
      `insert into audit_event select gen_random_uuid(), received_at, 11, occurred_at, actor, on_behalf_of,
         session_key, ip, user_agent, 'user.role_granted', target_type, target_id, metadata, source, null, sealed,
         hash, hash from audit_event where seq = 10`,
    );
    const [added] = await f.sql<{ id: string }>('select id from audit_event where seq = 11');
    const result = await verify([h5, h10]);
    expect(result).toMatchObject({
      ok: false,
      problem: { kind: 'ADDED', seq: 11, eventId: added!.id, head: h10 },
    });
    expect(result.problem!.message).toMatch(/past the log's head/);
  });

  it('names a deleted tail with the head rewound, by the head an auditor kept', async () => {
    await rewindTo(7);
    expect(await verify()).toMatchObject({ ok: true, treeSize: 7 }); // nothing in the database shows it
    const result = await verify([h5, h10]);
    expect(result).toMatchObject({ ok: false, problem: { kind: 'TRUNCATED', seq: 8, head: h10 } });
    expect(result.problem!.message).toMatch(/events #8 to #10 were removed/);
  });

  it('names the oldest events deleted under a forged retention checkpoint', async () => {
    const seven = await row(7);
    await f.sql('delete from audit_event where seq <= 7');
    await f.sql('delete from audit_tree_head');
    await f.sql('update audit_chain set checkpoint_seq = 7, checkpoint_hash = ?', [seven.hash]);
    expect(await verify([h5, h10])).toMatchObject({
      ok: false,
      problem: { kind: 'FORGED_CHECKPOINT', seq: 7 },
    });

    // With a purge event of its own, appended through audit_append (the insider holds the app secret).
    await f.audit.append(f.em(), [forgedPurge(7, seven.hash)]);
    expect(await verify([h10])).toMatchObject({ ok: true }); // a head signed after them cannot tell
    const result = await verify([h5, h10]);
    expect(result).toMatchObject({ ok: false, problem: { kind: 'FORGED_CHECKPOINT', seq: 6, head: h5 } });
    expect(result.problem!.message).toMatch(/events #6 to #7 came later/);
  });

  it('names a changed event whose chain, leaves and head were all recomputed in the database', async () => {
    await rewindTo(2);
    await f.audit.append(f.em(), [{ ...drafts(1, 2)[0]!, action: 'message.viewed' }, ...drafts(7, 3)]);
    expect(await verify()).toMatchObject({ ok: true, treeSize: 10 });
    expect(await verify([h10, h5])).toMatchObject({
      ok: false,
      problem: { kind: 'INCONSISTENT', seq: 5, head: h5 },
    });
    expect(await verify([h10])).toMatchObject({
      ok: false,
      problem: { kind: 'INCONSISTENT', seq: 10, head: h10 },
    });
  });

  it('names reordered events, recomputed or not', async () => {
    await f.sql('update audit_leaf set idx = -1 where idx = 3');
    await f.sql('update audit_leaf set idx = 3 where idx = 4');
    await f.sql('update audit_leaf set idx = 4 where idx = -1');
    const four = await row(4);
    expect(await verify()).toMatchObject({
      ok: false,
      problem: { kind: 'CHANGED', seq: 4, eventId: four.id },
    });

    await f.reset();
    await f.audit.append(f.em(), drafts(5));
    const kept = keep(await f.audit.treeHead(f.em()));
    await rewindTo(2);
    await f.audit.append(
      f.em(),
      [...drafts(1, 3), ...drafts(1, 2), ...drafts(1, 4)].map((d, i) => ({
        ...d,
        idempotencyKey: `again-${i}`,
      })),
    );
    expect(await verify([kept])).toMatchObject({ ok: false, problem: { kind: 'INCONSISTENT', head: kept } });
  });

  it('names a kept head that the log’s key did not sign', async () => {
    const forged = { ...h10, rootHash: '00'.repeat(32) };
    expect(await verify([forged])).toMatchObject({ ok: false, problem: { kind: 'BAD_HEAD', head: forged } });
    expect(await verify([h5, h10])).toMatchObject({ ok: true, heads: 4 }); // given and issued
  });
});
