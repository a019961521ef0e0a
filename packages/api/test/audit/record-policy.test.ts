import { describe, expect, it } from 'vitest';
import { userMayRecord } from '../../src/modules/audit/record-policy.ts';

describe('userMayRecord', () => {
  it('admits the edits and deletions a page shows, and nothing else', () => {
    expect(userMayRecord(['post.edited', 'comment.deleted', 'message.edited', 'message.deleted'])).toBe(true);
    for (const action of ['settings.updated', 'impersonation.started', 'rights.changed', 'post.created'])
      expect(userMayRecord(['post.edited', action]), action).toBe(false);
  });

  it('leaves malformed names to validation (an InvalidInputError naming the event)', () => {
    expect(userMayRecord(['Message.Edited', 'edited'])).toBe(true);
  });
});
