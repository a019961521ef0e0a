import { describe, expect, it } from 'vitest';
import { ERASED_TEXT, pseudonymiseMetadata } from '../../src/modules/audit/audit-metadata-rule.ts';

const anon = 'anon:0123456789abcdef';

describe('what erasure does to metadata', () => {
  it('replaces the subject’s id under user-id keys, at any depth, as a number or a string', () => {
    const metadata = {
      ownerUserId: 42,
      userId: '42',
      userIds: [41, 42, '42'],
      requester: { kind: 'user', subjectUserId: 42 },
      changes: [{ targetUserId: 42 }, { targetUserId: 7 }],
      adminUserId: 7,
    };
    expect(pseudonymiseMetadata(metadata, 42, anon)).toEqual({
      ownerUserId: anon,
      userId: anon,
      userIds: [41, anon, anon],
      requester: { kind: 'user', subjectUserId: anon },
      changes: [{ targetUserId: anon }, { targetUserId: 7 }],
      adminUserId: 7,
    });
    expect(metadata.ownerUserId).toBe(42); // a new value; the given one is left alone
  });

  it('leaves the same number under other keys: a record id, a count, a version', () => {
    const metadata = { chatId: 42, messageId: '42', n: 42, user: 42, version: 42, textHash: 'ab' };
    expect(pseudonymiseMetadata(metadata, 42, anon)).toEqual(metadata);
  });

  it('replaces any value under a text key by the marker, and keeps null', () => {
    const metadata = {
      reason: 'Checking Alice Smith’s mail',
      endReason: 'timeout',
      error: { message: 'user 42 not found', code: 404 },
      comment: ['a', 'b'],
      adminName: 'Bob Admin',
      label: 'Alice’s integration',
      nested: [{ text: 'hello', note: null }],
      sessionId: 's1',
      names: 'not a text key',
    };
    expect(pseudonymiseMetadata(metadata, 42, anon)).toEqual({
      reason: ERASED_TEXT,
      endReason: ERASED_TEXT,
      error: ERASED_TEXT,
      comment: ERASED_TEXT,
      adminName: ERASED_TEXT,
      label: ERASED_TEXT,
      nested: [{ text: ERASED_TEXT, note: null }],
      sessionId: 's1',
      names: 'not a text key',
    });
  });

  it('is idempotent', () => {
    const once = pseudonymiseMetadata({ reason: 'x', ownerUserId: 42 }, 42, anon);
    expect(pseudonymiseMetadata(once, 42, anon)).toEqual(once);
  });
});
