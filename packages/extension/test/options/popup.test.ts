// @vitest-environment node
import { h, render } from 'preact';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { App } from '../../src/popup/App.tsx';
import { apiUrlItem, rolesItem, tokenItem, userItem } from '../../src/storage/items.ts';
import type { ApiStack } from '../api/api-stack.ts';
import { signInCodeFor } from '../api/api-stack.ts';
import { signInAs, startConsoleStack } from '../console/support/console-stack.ts';
import { eventually, findByTestId, installDom, queryByTestId, typeInto } from '../console/support/dom.ts';

vi.mock('#i18n', () => import('../console/support/i18n.ts'));

// The popup against the real API, through the real background worker (the console's test stack).
let stack: ApiStack;
let unmount: (() => void) | undefined;
beforeAll(async () => {
  stack = await startConsoleStack();
}, 120_000);
afterAll(() => stack?.close());
afterEach(() => unmount?.());

function mountPopup(): HTMLElement {
  const window = installDom('chrome-extension://popup-test/popup.html');
  const root = window.document.createElement('div') as unknown as HTMLElement;
  window.document.body.append(root as never);
  render(h(App, null), root);
  unmount = () => render(null, root);
  return root;
}

const click = async (root: HTMLElement, testId: string) => (await findByTestId(root, testId)).click();

describe('the popup', { timeout: 60_000 }, () => {
  it('signs in with the code from the Bitrix24 notification, shows the user and roles, and signs out', async () => {
    await signInAs(stack, null);
    await apiUrlItem.setValue(null);
    const root = mountPopup();
    typeInto(await findByTestId(root, 'api-url'), stack.apiUrl);
    typeInto(await findByTestId(root, 'login'), '5');
    await click(root, 'send-code');
    const code = await findByTestId<HTMLInputElement>(root, 'code');
    typeInto(code, await signInCodeFor(stack, 5));
    await click(root, 'sign-in');

    const user = await findByTestId(root, 'signed-in-user');
    expect(user.textContent).not.toBe('');
    expect((await findByTestId(root, 'roles')).textContent).toContain('popup.role.EMPLOYEE');
    // Employees have no console.
    expect(queryByTestId(root, 'open-console')).toBeNull();
    expect(await tokenItem.getValue()).not.toBeNull();

    await click(root, 'sign-out');
    await findByTestId(root, 'send-code');
    expect(await tokenItem.getValue()).toBeNull();
  });

  it('shows why sending the code failed, as text', async () => {
    await signInAs(stack, null);
    const root = mountPopup();
    typeInto(await findByTestId(root, 'api-url'), stack.apiUrl);
    typeInto(await findByTestId(root, 'login'), '5');
    await stack.stopHttp();
    try {
      await click(root, 'send-code');
      expect((await findByTestId(root, 'sign-in-error')).textContent).toBe('popup.errors.network');
    } finally {
      await stack.startHttp();
    }
    expect(queryByTestId(root, 'code')).toBeNull();
  });

  it('re-reads the roles on open and offers administrators the console', async () => {
    await signInAs(stack, 1);
    // Stale roles from an earlier sign-in: the popup asks the API again.
    await userItem.setValue({ id: 1, name: 'stale' });
    await rolesItem.setValue(['EMPLOYEE']);
    const create = vi.fn(async () => ({}));
    fakeBrowser.tabs.create = create as unknown as typeof fakeBrowser.tabs.create;
    const root = mountPopup();
    await eventually(() => expect(queryByTestId(root, 'roles')?.textContent).toContain('popup.role.ADMIN'));
    expect(queryByTestId(root, 'signed-in-user')?.textContent).not.toBe('stale');
    await click(root, 'open-console');
    expect(create).toHaveBeenCalledWith({ url: expect.stringMatching(/\/console\.html$/) });
  });
});
