import { describe, expect, it } from 'vitest';
import {
  commitMetadata,
  commitmentsOf,
  hashPrepared,
  hashWith,
  prepareDigest,
} from '../../src/modules/audit/audit-hash.ts';
import type { AuditRecord } from '../../src/modules/audit/audit-record.ts';

const mac = (purpose: string, value: string) => `${purpose}:${value}`.padEnd(64, '0').slice(0, 64);

function event(
  overrides: Partial<AuditRecord> = {},
): Omit<AuditRecord, 'receivedAt' | 'seq' | 'prevHash' | 'hash'> {
  return {
    id: '0190f2d4-0000-7000-8000-000000000001',
    occurredAt: new Date('2026-11-20T10:00:00.123Z'),
    actor: '5',
    onBehalfOf: null,
    sessionKey: 'a'.repeat(64),
    ip: '10.0.0.1',
    userAgent: null,
    action: 'message.edited',
    targetType: 'message',
    targetId: '42',
    metadata: {
      chatId: 'chat1',
      receivedAt: 'not the real one',
      nested: { z: [1, 'two', null], a: '\u2028' },
    },
    source: 'extension',
    idempotencyKey: 'key',
    sealed: null,
    ...overrides,
  };
}

describe('the hash input made before the chain lock', () => {
  it('gives the same hash as hashing the whole event under the lock', () => {
    const receivedAt = new Date('2026-11-20T10:00:01.456Z');
    const events = [
      event(),
      event({ metadata: {}, targetType: null, targetId: null, actor: null }),
      // Keys that sort between the digest's own, strings that JSON escapes, a sealed field.
      event({
        action: 'post.deleted',
        idempotencyKey: null,
        ip: null,
        userAgent: 'Mozilla "5.0" \\ \u00e9\ud83d\ude00\n',
        targetId: 'x\u2029y',
        metadata: { receivedAt: 1, 'b\u00e9': [{ y: 1, x: 2 }], a: -0.5, é: true, '': null },
        sealed: { actor: 'c'.repeat(64) },
        actor: 'anon:1234',
      }),
      event({ metadata: { reason: '[erased]' }, sealed: { metadata: 'd'.repeat(64) } }),
    ];
    for (const e of events) {
      const commitments = commitmentsOf(e, mac);
      const prepared = prepareDigest(e, commitments);
      expect(prepared).not.toBeNull();
      const prevHash = 'f'.repeat(64);
      // Several receivedAt values, the same one again last.
      for (const at of [receivedAt, new Date(receivedAt.getTime() + 1), receivedAt]) {
        expect(hashPrepared(prevHash, prepared!, at)).toBe(
          hashWith(prevHash, { ...e, receivedAt: at }, commitments),
        );
      }
    }
  });
});

describe('the hash input', () => {
  it('holds a keyed commitment of the metadata, not its text, and the sealed one once erasure sealed it', () => {
    const e = event({ metadata: { reason: 'Alice Smith asked' } });
    const commitments = commitmentsOf(e, mac);
    expect(commitments.metadata).toBe(commitMetadata(e.id, e.metadata, mac));
    const { head, tail } = prepareDigest(e, commitments)!;
    expect(`${head}${tail}`).not.toContain('Alice');
    expect(tail).toMatch(/"v":2}$/);
    const sealed = event({ metadata: { reason: '[erased]' }, sealed: { metadata: commitments.metadata } });
    expect(commitmentsOf(sealed, mac)).toEqual(commitments);
  });
});
