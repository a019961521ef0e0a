import { verify } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { headBytes } from '../../src/modules/audit/audit-tree-head.ts';
import { hashLeaf, mth, verifyConsistency, verifyInclusion } from './rfc9162.ts';
import { type AuditFixture, auditFixture, drafts, testSigner } from './support.ts';

const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const buf = (hex: string) => Buffer.from(hex, 'hex');

describe(`audit Merkle tree in the database (on ${backend})`, () => {
  let f: AuditFixture;
  const signer = testSigner();
  beforeAll(async () => {
    f = await auditFixture({ signer, headIntervalMs: 0 });
  });
  afterAll(() => f?.close());
  beforeEach(() => f.reset());

  /** The leaf hashes the database holds, in order. */
  const storedLeaves = async () =>
    (await f.sql<{ hash: Buffer }>('select hash from audit_leaf order by idx')).map((r) =>
      Buffer.from(r.hash),
    );
  const events = async () =>
    (await f.sql<{ id: string }>('select id from audit_event order by seq')).map((r) => r.id);

  it('stores each event as the leaf SHA-256(0x00 ‖ its canonical JSON) and signs heads over the RFC root', async () => {
    const sizes = [0, 1, 2, 3, 7, 8, 9];
    let written = 0;
    for (const size of sizes) {
      await f.audit.append(f.em(), drafts(size - written, written));
      written = size;
      const head = await f.audit.treeHead(f.em());
      const leaves = await storedLeaves();
      expect(leaves).toHaveLength(size);
      expect(head).toMatchObject({ logId: 1, treeSize: size, rootHash: mth(leaves).toString('hex') });
      expect(head.keyId).toMatch(/^[0-9a-f]{16}$/);
      // The signature, checked the way an auditor without our code would.
      expect(verify(null, headBytes(head), signer.publicKeyPem, Buffer.from(head.signature, 'base64'))).toBe(
        true,
      );
    }
    // Each leaf is the hash of the bytes the proof shows, and every proof verifies with the RFC's algorithm.
    const head = await f.audit.treeHead(f.em());
    for (const id of await events()) {
      const event = (await f.audit.event(f.em(), id))!;
      const proof = await f.audit.eventProof(f.em(), event);
      expect(proof.leafHash).toBe(hashLeaf(Buffer.from(proof.leaf)).toString('hex'));
      expect(JSON.parse(proof.leaf)).toMatchObject({ id, action: event.action });
      expect(proof.head).toEqual(head);
      expect(
        verifyInclusion(
          proof.leafIndex,
          9,
          buf(proof.leafHash),
          proof.auditPath.map(buf),
          buf(head.rootHash),
        ),
      ).toBe(true);
    }
    const heads = await f.audit.issuedHeads(f.em());
    expect(heads.map((h) => h.treeSize)).toEqual(sizes);
    for (const a of heads) {
      for (const b of heads.filter((h) => h.treeSize >= a.treeSize)) {
        const proof = await f.audit.consistency(f.em(), a.treeSize, b.treeSize);
        expect(proof).toMatchObject({ firstHead: a, secondHead: b });
        expect(
          verifyConsistency(a.treeSize, b.treeSize, proof.path.map(buf), buf(a.rootHash), buf(b.rootHash)),
        ).toBe(true);
      }
    }
  });

  it('serves proofs from tiles once the tree passes 256 and 512 leaves, for any earlier size', async () => {
    for (let i = 0; i < 3; i++) await f.audit.append(f.em(), drafts(250, i * 250));
    await f.audit.append(f.em(), drafts(1, 750));
    const leaves = await storedLeaves();
    expect(leaves).toHaveLength(751);
    const tiles = await f.sql<{ level: number; idx: string; hashes: Buffer }>('select * from audit_tile');
    expect(tiles).toHaveLength(1);
    expect(Buffer.from(tiles[0]!.hashes)).toEqual(
      Buffer.concat([mth(leaves.slice(0, 256)), mth(leaves.slice(256, 512))]),
    );
    const ids = await events();
    for (const [index, size] of [
      [0, 751],
      [255, 256],
      [300, 513],
      [511, 700],
      [750, 751],
      [600, 601],
    ] as const) {
      const proof = await f.audit.eventProof(f.em(), (await f.audit.event(f.em(), ids[index]!))!, size);
      expect(
        verifyInclusion(index, size, leaves[index]!, proof.auditPath.map(buf), mth(leaves.slice(0, size))),
      ).toBe(true);
    }
    for (const [first, second] of [
      [1, 751],
      [256, 512],
      [255, 257],
      [300, 700],
      [512, 751],
      [700, 751],
    ] as const) {
      const { path } = await f.audit.consistency(f.em(), first, second);
      expect(
        verifyConsistency(
          first,
          second,
          path.map(buf),
          mth(leaves.slice(0, first)),
          mth(leaves.slice(0, second)),
        ),
      ).toBe(true);
    }
    expect(await f.audit.verify(f.em())).toMatchObject({ ok: true, checked: 751, treeSize: 751 });
  });

  it('signs a new head only when the tree grew, and refuses to sign over a changed tree', async () => {
    await f.audit.append(f.em(), drafts(3));
    const first = await f.audit.treeHead(f.em());
    expect(await f.audit.treeHead(f.em())).toEqual(first);
    await f.sql(`update audit_leaf set hash = sha256('x') where idx = 1`);
    await f.audit.append(f.em(), drafts(1, 3));
    await expect(f.audit.treeHead(f.em())).rejects.toThrow(/no longer has the root/);
  });
});
