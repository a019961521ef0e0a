// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiStack } from '../api/api-stack.ts';
import { mountConsole, signInAs, startConsoleStack } from './support/console-stack.ts';
import { findByTestId } from './support/dom.ts';

vi.mock('#i18n', () => import('./support/i18n.ts'));

/** The in-process API and sandbox behind the stack: a webhook to break and the poller to run. */
interface Inside {
  portal: { state: { webhooks: Map<string, { userId: number; active: boolean }> } };
  services: {
    chatPoller: { poll(): Promise<unknown> };
    portal: {
      asUser(id: number): { call(method: string): Promise<unknown> } | undefined;
      client: { limiter: { configure(plan: { burst: number; drainPerSecond: number }): void } };
    };
  };
}

let stack: ApiStack;
beforeAll(async () => {
  stack = await startConsoleStack();
  await signInAs(stack, 1);
  const inside = stack.api as unknown as Inside;
  inside.services.portal.client.limiter.configure({ burst: 100_000, drainPerSecond: 100_000 });
  // User 16 deletes their webhook after we were given it: the portal refuses it from then on.
  await inside.services.portal.asUser(16)?.call('user.current');
  for (const hook of inside.portal.state.webhooks.values()) if (hook.userId === 16) hook.active = false;
  await inside.services.chatPoller.poll();
}, 120_000);
afterAll(() => stack?.close());

describe('chat history tab', { timeout: 60_000 }, () => {
  it('lists the employee whose chats are not captured, with the API’s reason', async () => {
    const view = mountConsole('#/chats');
    try {
      const row = await findByTestId(view.root, 'chat-capture-row-16');
      expect(row.textContent).toContain('console.chats.dead');
      expect(row.textContent).toContain("refused user 16's own credentials");
      expect((await findByTestId(view.root, 'chat-capture-uncaptured')).textContent).toContain('1');
      expect(view.root.querySelectorAll('[data-testid^="chat-capture-row-"]')).toHaveLength(1);
    } finally {
      view.unmount();
    }
  });
});
