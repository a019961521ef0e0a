import { describe, expect, it } from 'vitest';
import { readContentItems } from '../../src/content/content-items.ts';
import { createSummaryTracker } from '../../src/content/summary-tracker.ts';
import { loadFixture } from '../fixtures/load-fixture.ts';

const posts = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ kind: 'post' as const, id: String(from + i) }));

describe('which items to ask editSummaries for', () => {
  it('asks for the whole first screen in one request', () => {
    const tracker = createSummaryTracker();
    const batches = tracker.take(posts(1, 200));
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(200);
    expect(batches[0]![0]).toEqual({ entityType: 'POST', entityId: '1' });
  });

  it('later asks only for items not asked before, and nothing when nothing is new', () => {
    const tracker = createSummaryTracker();
    tracker.take(posts(1, 20));
    expect(tracker.take(posts(1, 20))).toEqual([]);
    const later = tracker.take([...posts(1, 40), { kind: 'message', id: '3' }]);
    expect(later).toHaveLength(1);
    expect(later[0]!.map((r) => r.entityId)).toEqual([...posts(21, 20).map((p) => p.id), '3']);
    expect(later[0]!.at(-1)).toEqual({ entityType: 'MESSAGE', entityId: '3' });
  });

  it('counts a post and a message with the same id as two items, and duplicates on screen as one', () => {
    const tracker = createSummaryTracker();
    const [batch] = tracker.take([
      { kind: 'post', id: '7' },
      { kind: 'message', id: '7' },
      { kind: 'post', id: '7' },
    ]);
    expect(batch).toHaveLength(2);
  });

  it('splits at the API limit and asks again for refs of a failed request', () => {
    const tracker = createSummaryTracker(500);
    const batches = tracker.take(posts(1, 1200));
    expect(batches.map((b) => b.length)).toEqual([500, 500, 200]);
    tracker.forget(batches[2]!);
    expect(tracker.take(posts(1, 1200)).map((b) => b.length)).toEqual([200]);
  });

  it('reads the items of a page', () => {
    const tracker = createSummaryTracker();
    const batches = tracker.take(readContentItems(loadFixture('sandbox-live-feed.html')));
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(2);
    expect(tracker.take(readContentItems(loadFixture('no-anchors.html')))).toEqual([]);
  });
});
