import type { QueuedEvent } from '../messaging/protocol.ts';
import { seenTextsItem } from '../storage/items.ts';
import { type ContentItem, itemKey } from './content-items.ts';
import { sha256Hex } from './hash.ts';

/** Items remembered per browser; the oldest sightings are dropped beyond this. */
export const MAX_SEEN_TEXTS = 5_000;
/** `recordEvents` refuses texts over 64 KB (UTF-8); longer ones are not reported. */
const MAX_TEXT_BYTES = 64 * 1024;

export interface SeenContext {
  /** The portal's origin: the same post id on two portals is two items. */
  portalOrigin: string;
  /** SHA-256 of the page's bitrix_sessid, so the API can tie the edit to an impersonation session. */
  sessionKey: string | null;
  now: Date;
}

/**
 * Compares what the page shows with what this browser saw before. An item whose text changed, or a
 * first-seen message with the "edited" mark, becomes a `*.edited` event carrying the new text; any
 * other first sighting only records the text's hash. Returns the events and the updated map (the
 * item moved to the end, so the oldest sightings are the ones dropped).
 */
export async function detectEdits(
  items: readonly Pick<ContentItem, 'kind' | 'id' | 'text' | 'edited'>[],
  seen: Readonly<Record<string, string>>,
  context: SeenContext,
): Promise<{ events: QueuedEvent[]; seen: Record<string, string> }> {
  const next: Record<string, string> = { ...seen };
  const events: QueuedEvent[] = [];
  for (const item of items) {
    const text = item.text.replaceAll('\u0000', '');
    if (new TextEncoder().encode(text).length > MAX_TEXT_BYTES) continue;
    const key = `${context.portalOrigin} ${itemKey(item)}`;
    const hash = await sha256Hex(text);
    const before = next[key];
    if (before === hash) continue;
    delete next[key];
    next[key] = hash;
    if (before === undefined && !item.edited) continue;
    events.push({
      idempotencyKey: await sha256Hex(`${key}\n${hash}`),
      action: `${item.kind}.edited`,
      occurredAt: context.now.toISOString(),
      targetType: item.kind,
      targetId: item.id,
      sessionKey: context.sessionKey,
      metadata: { text },
    });
  }
  const keys = Object.keys(next);
  for (const key of keys.slice(0, Math.max(0, keys.length - MAX_SEEN_TEXTS))) delete next[key];
  return { events, seen: next };
}

/** {@link detectEdits} over the stored map; stores the new map and returns the events to queue. */
export async function detectAndRemember(
  items: readonly Pick<ContentItem, 'kind' | 'id' | 'text' | 'edited'>[],
  context: SeenContext,
): Promise<QueuedEvent[]> {
  if (items.length === 0) return [];
  const { events, seen } = await detectEdits(items, await seenTextsItem.getValue(), context);
  await seenTextsItem.setValue(seen);
  return events;
}
