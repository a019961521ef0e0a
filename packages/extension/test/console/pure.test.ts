import { describe, expect, it } from 'vitest';
import { deadlineColour } from '../../src/console/deadline.ts';
import {
  auditFilterVariables,
  canCancel,
  canRetry,
  EMPTY_AUDIT_FILTER,
  REQUEST_STATUSES,
  requestFilterVariables,
} from '../../src/console/filters.ts';
import {
  FIRST_PAGE,
  hasPreviousPage,
  nextPage,
  pageNumber,
  previousPage,
} from '../../src/console/pagination.ts';
import { parseRoute, resolveRoute, routeHash, tabsFor } from '../../src/console/route.ts';
import { toggled, toggledAll } from '../../src/console/selection.ts';

describe('deadline colour', () => {
  it('is green from 10 days, amber under 10, red under 5 and when overdue', () => {
    expect(deadlineColour(30)).toBe('green');
    expect(deadlineColour(10)).toBe('green');
    expect(deadlineColour(9)).toBe('amber');
    expect(deadlineColour(5)).toBe('amber');
    expect(deadlineColour(4)).toBe('red');
    expect(deadlineColour(0)).toBe('red');
    expect(deadlineColour(-3)).toBe('red');
  });
});

describe('routes', () => {
  it('reads tabs and a session id from the hash, and nothing from unknown hashes', () => {
    expect(parseRoute('#/settings')).toEqual({ tab: 'settings', sessionId: null });
    expect(parseRoute('#/audit/sessions/abc-1')).toEqual({ tab: 'audit', sessionId: 'abc-1' });
    expect(parseRoute('#/audit/sessions/')).toEqual({ tab: 'audit', sessionId: null });
    expect(parseRoute('#/users/sessions/x')).toEqual({ tab: 'users', sessionId: null });
    expect(parseRoute('')).toEqual({ tab: null, sessionId: null });
    expect(parseRoute('#/nope')).toEqual({ tab: null, sessionId: null });
  });

  it('writes the hash it reads', () => {
    for (const hash of ['#/requests', '#/audit/sessions/a%2Fb'])
      expect(routeHash(parseRoute(hash))).toBe(hash);
  });

  it('shows admins five tabs, auditors the audit tab, both all six, employees none', () => {
    expect(tabsFor(['ADMIN'])).toEqual(['settings', 'users', 'dismissed', 'chats', 'requests']);
    expect(tabsFor(['AUDITOR'])).toEqual(['audit']);
    expect(tabsFor(['EMPLOYEE', 'AUDITOR', 'ADMIN'])).toEqual([
      'settings',
      'users',
      'dismissed',
      'chats',
      'requests',
      'audit',
    ]);
    expect(tabsFor(['EMPLOYEE'])).toEqual([]);
  });

  it('falls back to the first allowed tab when the hash names one the role may not open', () => {
    expect(resolveRoute(parseRoute('#/audit/sessions/1'), ['settings', 'users'])).toEqual({
      tab: 'settings',
      sessionId: null,
    });
    expect(resolveRoute(parseRoute('#/audit/sessions/1'), ['audit'])).toEqual({
      tab: 'audit',
      sessionId: '1',
    });
    expect(resolveRoute(parseRoute('#/'), [])).toEqual({ tab: null, sessionId: null });
  });
});

describe('filters → variables', () => {
  it('leaves out "any" and wraps a chosen status or type in a list', () => {
    expect(requestFilterVariables({ status: '', type: '' })).toEqual({});
    expect(requestFilterVariables({ status: 'FAILED', type: 'ERASE' })).toEqual({
      status: ['FAILED'],
      type: ['ERASE'],
    });
  });

  it('trims audit filters, drops empty ones and turns local times into ISO instants', () => {
    expect(auditFilterVariables(EMPTY_AUDIT_FILTER)).toEqual({});
    const from = '2026-11-01T10:00';
    expect(
      auditFilterVariables({
        actor: ' 7 ',
        actionPrefix: 'impersonation.',
        sessionKey: '  ',
        from,
        to: 'garbage',
      }),
    ).toEqual({ actor: '7', actionPrefix: 'impersonation.', occurredFrom: new Date(from).toISOString() });
  });

  it('offers retry for failed requests and cancel for open ones, as the API allows', () => {
    expect(canRetry('FAILED')).toBe(true);
    expect(canRetry('COMPLETED')).toBe(false);
    expect(canRetry('COMPLETED_WITH_EXCEPTIONS')).toBe(false);
    expect(['PENDING', 'AWAITING_CONFIRMATION', 'RUNNING'].every((s) => canCancel(s as never))).toBe(true);
    expect(
      ['FAILED', 'COMPLETED', 'COMPLETED_WITH_EXCEPTIONS', 'CANCELLED'].some((s) => canCancel(s as never)),
    ).toBe(false);
  });

  it('filters by every status the API has, the erasure that ended with exceptions included', () => {
    expect(REQUEST_STATUSES).toContain('COMPLETED_WITH_EXCEPTIONS');
    expect(requestFilterVariables({ status: 'COMPLETED_WITH_EXCEPTIONS', type: '' })).toEqual({
      status: ['COMPLETED_WITH_EXCEPTIONS'],
    });
  });
});

describe('pagination', () => {
  it('goes forward by end cursor and back through the cursors seen', () => {
    const two = nextPage(FIRST_PAGE, 'c1');
    const three = nextPage(two, 'c2');
    expect(three).toEqual({ after: 'c2', previous: [null, 'c1'] });
    expect(pageNumber(three)).toBe(3);
    expect(previousPage(three)).toEqual(two);
    expect(previousPage(previousPage(three))).toEqual(FIRST_PAGE);
    expect(hasPreviousPage(FIRST_PAGE)).toBe(false);
    expect(previousPage(FIRST_PAGE)).toBe(FIRST_PAGE);
    expect(nextPage(two, null)).toBe(two);
  });
});

describe('selection', () => {
  it('toggles one id and all ids of a page', () => {
    expect([...toggled(new Set([1]), 2, true)]).toEqual([1, 2]);
    expect([...toggled(new Set([1, 2]), 1, false)]).toEqual([2]);
    expect([...toggledAll(new Set([9]), [1, 2])].sort()).toEqual([1, 2, 9]);
    expect([...toggledAll(new Set([1, 2, 9]), [1, 2])]).toEqual([9]);
  });
});
