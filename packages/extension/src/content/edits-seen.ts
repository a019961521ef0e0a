import { type PageIdentity, sendMessage } from '../messaging/protocol.ts';
import { type ContentItem, itemKey } from './content-items.ts';
import { detectAndRemember } from './seen-texts.ts';

/**
 * Reports edits this page shows (a new text, or a message's "edited" mark) as `*.edited` events into
 * the background's queue. Items whose text did not change since the last scan of this page are not
 * looked at again; scans run one after another, so the stored map is never written twice at once.
 */
export function createEditsSeen(identity: () => Promise<PageIdentity>) {
  const lastText = new Map<string, string>();
  let chain: Promise<void> = Promise.resolve();

  const check = async (items: ContentItem[]) => {
    const page = await identity();
    const changed = items.filter((item) => lastText.get(itemKey(item)) !== item.text);
    if (changed.length === 0) return;
    const events = await detectAndRemember(changed, {
      portalOrigin: page.portalOrigin,
      sessionKey: page.sessionKey,
      now: new Date(),
    });
    for (const item of changed) lastText.set(itemKey(item), item.text);
    if (events.length > 0) await sendMessage('queueEvents', { events });
  };

  return {
    scan(items: ContentItem[]): void {
      chain = chain.then(() => check(items)).catch(() => undefined);
    },
  };
}
