import { describe, expect, it } from 'vitest';
import { isReservedAction, RESERVED_ACTION_NAMESPACES } from '../src/audit-actions.ts';

describe('reserved audit actions', () => {
  it('covers the namespaces the product writes itself, and only those', () => {
    for (const action of [
      'impersonation.started',
      'auth.signin',
      'auth.code.requested',
      'auditor.granted',
      'dsr.erase.confirmed',
      'post.edited',
      'message.deleted',
      'version.recorded',
      'token.created',
      'rights.updated',
      'settings.updated',
      'report.weekly.generated',
      'keys.rotated',
    ])
      expect(isReservedAction(action), action).toBe(true);
    for (const action of ['crm.deal.exported', 'sso.session.refreshed', 'posts.archived'])
      expect(isReservedAction(action), action).toBe(false);
    expect(RESERVED_ACTION_NAMESPACES).toContain('impersonation');
  });
});
