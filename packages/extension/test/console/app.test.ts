// @vitest-environment node
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiStack } from '../api/api-stack.ts';
import { gqlAs, mountConsole, signInAs, startConsoleStack } from './support/console-stack.ts';
import { findByTestId, queryByTestId } from './support/dom.ts';

vi.mock('#i18n', () => import('./support/i18n.ts'));

let stack: ApiStack;
let mounted: { unmount(): void } | undefined;
beforeAll(async () => {
  stack = await startConsoleStack();
  // User 1 administers the demo portal; user 15 is made an auditor, user 2 (admin) both.
  await gqlAs(
    stack,
    1,
    'mutation { a: grantAuditor(userId: 15) { __typename } b: grantAuditor(userId: 2) { __typename } }',
  );
}, 120_000);
afterAll(() => stack?.close());
afterEach(() => mounted?.unmount());

const tabs = (root: HTMLElement) =>
  [...root.querySelectorAll('[data-testid^="tab-"]')].map((a) => a.getAttribute('data-testid'));

describe('the console shell', { timeout: 60_000 }, () => {
  it('asks to sign in on the options page when signed out', async () => {
    await signInAs(stack, null);
    const { root, unmount } = mountConsole('#/settings');
    mounted = { unmount };
    await findByTestId(root, 'console-sign-in');
    expect(queryByTestId(root, 'console-open-options')).not.toBeNull();
    expect(tabs(root)).toEqual([]);
  });

  it('shows an employee no tabs, only why', async () => {
    await signInAs(stack, 5);
    const { root, unmount } = mountConsole('#/users');
    mounted = { unmount };
    await findByTestId(root, 'console-no-role');
    expect(tabs(root)).toEqual([]);
  });

  it('shows an administrator the five admin tabs and opens the one the hash names', async () => {
    await signInAs(stack, 1);
    const { root, unmount } = mountConsole('#/requests');
    mounted = { unmount };
    await findByTestId(root, 'tab-requests');
    expect(tabs(root)).toEqual(['tab-settings', 'tab-users', 'tab-dismissed', 'tab-chats', 'tab-requests']);
    expect(root.querySelector('.tab.active')?.getAttribute('data-testid')).toBe('tab-requests');
  });

  it('shows an auditor only the audit tab, also when the hash names an admin tab', async () => {
    await signInAs(stack, 15);
    const { root, unmount } = mountConsole('#/settings');
    mounted = { unmount };
    await findByTestId(root, 'tab-audit');
    expect(tabs(root)).toEqual(['tab-audit']);
    await findByTestId(root, 'chain-status');
  });

  it('shows someone with both roles all six tabs and follows hash changes', async () => {
    await signInAs(stack, 2);
    const { root, unmount } = mountConsole('#/settings');
    mounted = { unmount };
    await findByTestId(root, 'switch-anonymisation-enabled');
    expect(tabs(root)).toEqual([
      'tab-settings',
      'tab-users',
      'tab-dismissed',
      'tab-chats',
      'tab-requests',
      'tab-audit',
    ]);
    window.location.hash = '#/audit';
    await findByTestId(root, 'chain-status');
  });
});
