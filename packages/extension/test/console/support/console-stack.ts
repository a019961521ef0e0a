import { h, render } from 'preact';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { App } from '../../../src/console/App.tsx';
import { apiUrlItem, rolesItem, tokenItem, userItem } from '../../../src/storage/items.ts';
import { type ApiStack, startApiStack } from '../../api/api-stack.ts';
import { installDom } from './dom.ts';

/**
 * The console against the real API: the stack (test database, sandbox portal) over HTTP, and the
 * real background worker answering the console's `getSession` and `graphql` messages in the fake
 * browser. Only the browser APIs the background starts with and the tests do not use are stubbed.
 */
export async function startConsoleStack(): Promise<ApiStack> {
  const stack = await startApiStack();
  fakeBrowser.reset();
  fakeBrowser.alarms.create = (async () => undefined) as unknown as typeof fakeBrowser.alarms.create;
  fakeBrowser.permissions.contains = (async () => true) as unknown as typeof fakeBrowser.permissions.contains;
  fakeBrowser.scripting.getRegisteredContentScripts = (async () => []) as never;
  fakeBrowser.runtime.onConnect.addListener = () => undefined;
  const { startBackground } = await import('../../../src/background/main.ts');
  startBackground();
  // The API's first `users` query reads the whole portal directory (seconds on a busy machine);
  // done here once, so each test's wait is for the console, not for that.
  await stack.api.gql(
    '{ users(first: 1) { edges { node { id } } } }',
    {},
    { token: await stack.api.tokenFor(1) },
  );
  return stack;
}

/** Signs the extension in as `userId` (null: signed out); the console re-reads name and roles. */
export async function signInAs(stack: ApiStack, userId: number | null): Promise<void> {
  await apiUrlItem.setValue(stack.apiUrl);
  await tokenItem.setValue(userId === null ? null : await stack.api.tokenFor(userId));
  await userItem.setValue(null);
  await rolesItem.setValue([]);
}

/** Renders the console at `hash` into a fresh document; returns the root to query. */
export function mountConsole(hash: string): { root: HTMLElement; unmount(): void } {
  const window = installDom(`chrome-extension://console-test/console.html${hash}`);
  const root = window.document.createElement('div') as unknown as HTMLElement;
  window.document.body.append(root as never);
  render(h(App, null), root);
  return { root, unmount: () => render(null, root) };
}

/** Runs a GraphQL document as `userId` straight against the API (to arrange or check state). */
export async function gqlAs<T = Record<string, any>>(
  stack: ApiStack,
  userId: number,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const answer = await stack.api.gql<T>(query, variables, { token: await stack.api.tokenFor(userId) });
  if (answer.errors?.length) throw new Error(answer.errors.map((e) => e.message).join('; '));
  return answer.data as T;
}
