import { describe, expect, it } from 'vitest';
import { unacknowledged } from '../../src/content/notice-sessions.ts';
import { panelViewer } from '../../src/content/panel-viewer.ts';
import type { ExtensionSession } from '../../src/messaging/protocol.ts';

const session = (id: number | null, roles: ExtensionSession['roles'] = ['EMPLOYEE']): ExtensionSession => ({
  apiUrl: 'http://api.test',
  signedIn: id !== null,
  user: id === null ? null : { id, name: 'X' },
  roles,
});

describe('which profile panel', () => {
  it('own profile, an admin on anyone else, nothing for an employee on a colleague', () => {
    expect(panelViewer(session(5), 5)).toBe('own');
    expect(panelViewer(session(1, ['EMPLOYEE', 'ADMIN']), 5)).toBe('admin');
    expect(panelViewer(session(1, ['EMPLOYEE', 'ADMIN']), 1)).toBe('own');
    expect(panelViewer(session(5), 6)).toBeNull();
    expect(panelViewer(session(5, ['EMPLOYEE', 'AUDITOR']), 6)).toBeNull();
    expect(panelViewer(session(null), 5)).toBe('signedOut');
  });
});

describe('impersonation notice', () => {
  const sessions = [
    {
      id: 'a',
      adminUserId: 1,
      adminName: 'Ada Admin',
      impersonatedUserId: 5,
      startedAt: '2026-11-20T10:00:00Z',
    },
    {
      id: 'b',
      adminUserId: 1,
      adminName: 'Ada Admin',
      impersonatedUserId: 6,
      startedAt: '2026-11-20T11:00:00Z',
    },
    { id: 'c', adminUserId: 2, adminName: null, impersonatedUserId: 5, startedAt: '2026-11-21T09:00:00Z' },
  ];

  it("lists only the user's own sessions not acknowledged yet", () => {
    expect(unacknowledged(sessions, 5, [])).toEqual([
      { id: 'a', adminUserId: 1, adminName: 'Ada Admin', startedAt: '2026-11-20T10:00:00Z' },
      { id: 'c', adminUserId: 2, adminName: null, startedAt: '2026-11-21T09:00:00Z' },
    ]);
    expect(unacknowledged(sessions, 5, ['a']).map((s) => s.id)).toEqual(['c']);
    expect(unacknowledged(sessions, 5, ['a', 'c'])).toEqual([]);
  });
});
