import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { detectAndRemember, detectEdits, MAX_SEEN_TEXTS } from '../../src/content/seen-texts.ts';
import { seenTextsItem } from '../../src/storage/items.ts';

const context = { portalOrigin: 'https://acme.bitrix24.de', sessionKey: 'k'.repeat(64), now: new Date(0) };
const post = (id: string, text: string) => ({ kind: 'post' as const, id, text, edited: false });
const message = (id: string, text: string, edited = false) => ({
  kind: 'message' as const,
  id,
  text,
  edited,
});

describe('edits seen in the page', () => {
  beforeEach(() => fakeBrowser.reset());

  it('only records the first sighting of an item', async () => {
    const { events, seen } = await detectEdits([post('45', 'Hello'), message('9', 'Hi')], {}, context);
    expect(events).toEqual([]);
    expect(Object.keys(seen)).toEqual([
      'https://acme.bitrix24.de post:45',
      'https://acme.bitrix24.de message:9',
    ]);
  });

  it('reports a first-seen message with the edited mark', async () => {
    const { events } = await detectEdits([message('9', 'Fixed', true)], {}, context);
    expect(events).toEqual([
      {
        idempotencyKey: expect.stringMatching(/^[0-9a-f]{64}$/),
        action: 'message.edited',
        occurredAt: '1970-01-01T00:00:00.000Z',
        targetType: 'message',
        targetId: '9',
        sessionKey: context.sessionKey,
        metadata: { text: 'Fixed' },
      },
    ]);
  });

  it('reports a changed text once, with a key that is the same for the same text', async () => {
    const first = await detectEdits([post('45', 'Hello')], {}, context);
    const changed = await detectEdits([post('45', 'Hello world')], first.seen, context);
    expect(changed.events.map((e) => [e.action, e.targetType, e.targetId, e.metadata.text])).toEqual([
      ['post.edited', 'post', '45', 'Hello world'],
    ]);
    expect((await detectEdits([post('45', 'Hello world')], changed.seen, context)).events).toEqual([]);
    // Another browser (or a retry after storage was lost) seeing the same change makes the same key.
    const again = await detectEdits([post('45', 'Hello world')], first.seen, context);
    expect(again.events[0]!.idempotencyKey).toBe(changed.events[0]!.idempotencyKey);
    // The same id on another portal is another item.
    const other = await detectEdits([post('45', 'Hello world')], first.seen, {
      ...context,
      portalOrigin: 'https://other.bitrix24.de',
    });
    expect(other.events).toEqual([]);
  });

  it('keeps the map bounded, dropping the oldest sightings', async () => {
    const seen: Record<string, string> = {};
    for (let i = 0; i < MAX_SEEN_TEXTS; i++) seen[`${context.portalOrigin} post:${i}`] = 'x';
    const { seen: next } = await detectEdits([post('new', 'a')], seen, context);
    const keys = Object.keys(next);
    expect(keys).toHaveLength(MAX_SEEN_TEXTS);
    expect(keys[0]).toBe(`${context.portalOrigin} post:1`);
    expect(keys.at(-1)).toBe(`${context.portalOrigin} post:new`);
  });

  it('skips texts the API would refuse as too long', async () => {
    const first = await detectEdits([post('1', 'short')], {}, context);
    expect((await detectEdits([post('1', 'x'.repeat(70_000))], first.seen, context)).events).toEqual([]);
  });

  it('remembers sightings in extension storage', async () => {
    expect(await detectAndRemember([post('45', 'Hello')], context)).toEqual([]);
    expect(Object.values(await seenTextsItem.getValue())).toHaveLength(1);
    const events = await detectAndRemember([post('45', 'Hello again')], context);
    expect(events).toHaveLength(1);
  });
});
