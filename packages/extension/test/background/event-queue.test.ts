// @vitest-environment node
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createApiClient } from '../../src/api/client.ts';
import { createBackgroundApi } from '../../src/background/api.ts';
import { createEventQueue, FLUSH_ALARM, MAX_QUEUED } from '../../src/background/event-queue.ts';
import type { QueuedEvent } from '../../src/messaging/protocol.ts';
import {
  apiUrlItem,
  eventQueueDroppedItem,
  eventQueueFailuresItem,
  eventQueueItem,
  tokenItem,
} from '../../src/storage/items.ts';
import { type ApiStack, startApiStack } from '../api/api-stack.ts';

let stack: ApiStack;
beforeAll(async () => {
  stack = await startApiStack();
}, 120_000);
afterAll(() => stack?.close());
beforeEach(async () => {
  fakeBrowser.reset();
  await apiUrlItem.setValue(stack.apiUrl);
  await tokenItem.setValue(await stack.api.tokenFor(8));
});

let next = 0;
const edit = (postId: string, text: string): QueuedEvent => ({
  idempotencyKey: `test-${Date.now()}-${next++}`,
  action: 'post.edited',
  occurredAt: new Date().toISOString(),
  targetType: 'post',
  targetId: postId,
  sessionKey: null,
  metadata: { text },
});

/** How many events the API stored with this key, read by an administrator. */
async function storedWithKey(event: QueuedEvent): Promise<number> {
  const admin = await stack.api.tokenFor(1);
  const answer = await stack.api.gql<{
    auditEvents: { edges: { node: { metadata: { idempotencyKey?: string } } }[] };
  }>(
    `query ($targetId: String) { auditEvents(first: 100, filter: { targetId: $targetId, actionPrefix: "post." }) {
      ... on QueryAuditEventsConnection { edges { node { metadata } } } } }`,
    { targetId: event.targetId },
    { token: admin },
  );
  return answer.data?.auditEvents.edges.length ?? -1;
}

describe('the event queue', () => {
  it('keeps events while the API is down, backs off, and delivers each once when it is back', async () => {
    const queue = createEventQueue(createBackgroundApi());
    const events = [edit('9101', 'first'), edit('9102', 'second'), edit('9103', 'third')];
    await stack.stopHttp();
    try {
      await queue.queue(events);
      expect(await queue.flush()).toEqual({ sent: 0, remaining: 3 });
      expect(await eventQueueItem.getValue()).toHaveLength(3);
      expect(await eventQueueFailuresItem.getValue()).toBeGreaterThanOrEqual(1);
      const alarm = await browser.alarms.get(FLUSH_ALARM);
      expect(alarm).toBeDefined();

      // A worker started again (killed mid-flush) finds the events in storage, not in memory.
      const restarted = createEventQueue(createBackgroundApi());
      expect((await restarted.flush()).remaining).toBe(3);
    } finally {
      await stack.startHttp();
    }

    const restarted = createEventQueue(createBackgroundApi());
    restarted.start();
    // The retry alarm firing is what a real worker waits for.
    await fakeBrowser.alarms.onAlarm.trigger({
      name: FLUSH_ALARM,
      scheduledTime: Date.now(),
      persistAcrossSessions: false,
    });
    await expect.poll(() => eventQueueItem.getValue()).toEqual([]);
    expect(await eventQueueFailuresItem.getValue()).toBe(0);
    expect(await browser.alarms.get(FLUSH_ALARM)).toBeUndefined();
    for (const event of events) expect(await storedWithKey(event)).toBe(1);

    // A flush whose answer was lost sends the same keys again: the API keeps one of each.
    await restarted.queue(events);
    await expect.poll(() => eventQueueItem.getValue()).toEqual([]);
    for (const event of events) expect(await storedWithKey(event)).toBe(1);
  });

  it('ignores a key it already holds and malformed events', async () => {
    const queue = createEventQueue(offlineApi());
    const event = edit('9201', 'x');
    expect(await queue.queue([event, event])).toEqual({ queued: 1 });
    expect(await queue.queue([event, { nonsense: true } as unknown as QueuedEvent])).toEqual({ queued: 0 });
    expect(await eventQueueItem.getValue()).toEqual([event]);
  });

  it('drops the oldest events beyond its bound and counts them', async () => {
    const queue = createEventQueue(offlineApi());
    const many = Array.from({ length: MAX_QUEUED + 5 }, (_, i) => edit(String(i), 't'));
    await queue.queue(many);
    const kept = await eventQueueItem.getValue();
    expect(kept).toHaveLength(MAX_QUEUED);
    expect(kept[0]?.idempotencyKey).toBe(many[5]?.idempotencyKey);
    expect(await eventQueueDroppedItem.getValue()).toBe(5);
  });
});

/** An API that cannot be reached, for tests of the queue's own bookkeeping. */
const offlineApi = () =>
  createApiClient({
    apiUrl: async () => 'http://127.0.0.1:9',
    token: async () => 'token',
    fetch: () => Promise.reject(new TypeError('fetch failed')),
  });
