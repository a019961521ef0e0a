import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { openConsole } from '../../src/background/console-tab.ts';

let create: ReturnType<typeof vi.fn>;
beforeEach(() => {
  fakeBrowser.reset();
  create = vi.fn(async () => ({}));
  fakeBrowser.tabs.create = create as unknown as typeof fakeBrowser.tabs.create;
});

describe('openConsole', () => {
  it('opens the console at a route a content script names', async () => {
    await openConsole({ path: '/audit/sessions/6f1c2a9e-0000-4000-8000-000000000001' });
    expect(create).toHaveBeenCalledWith({
      url: expect.stringMatching(/\/console\.html#\/audit\/sessions\/6f1c2a9e-0000-4000-8000-000000000001$/),
    });
  });

  it('opens the start page for anything that is not a plain route', async () => {
    for (const path of ['javascript:alert(1)', '//evil.example.com', '/a?b=<x>', 42]) {
      create.mockClear();
      await openConsole({ path });
      expect(create).toHaveBeenCalledWith({ url: expect.stringMatching(/\/console\.html$/) });
    }
  });
});
