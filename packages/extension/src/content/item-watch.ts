import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { type ContentItem, readContentItems } from './content-items.ts';

/** Bursts of DOM changes (a "more" page, a re-render) are read once after this quiet time. */
export const SCAN_DEBOUNCE_MS = 150;
/** Our own hosts (badges, panels) are named so; their mutations are not page changes. */
const OWN_HOST = /^B24-GDPR-/;

/**
 * Calls `onScan` with every post and message on the page: at start, after DOM changes (debounced),
 * and after in-page navigation. Consumers keep their own memory of what they handled.
 */
export function watchContentItems(ctx: ContentScriptContext, onScan: (items: ContentItem[]) => void): void {
  const scan = () => {
    if (!ctx.isInvalid) onScan(readContentItems(document));
  };
  let timer: number | undefined;
  const schedule = () => {
    if (timer !== undefined) return;
    timer = ctx.setTimeout(() => {
      timer = undefined;
      scan();
    }, SCAN_DEBOUNCE_MS);
  };
  const observer = new MutationObserver((records) => {
    if (records.every(isOwn)) return;
    schedule();
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  ctx.onInvalidated(() => observer.disconnect());
  ctx.addEventListener(window, 'wxt:locationchange', schedule);
  scan();
}

/** A change made by our own UI: inside one of our hosts, or adding/removing only our hosts. */
function isOwn(record: MutationRecord): boolean {
  const own = (node: Node) => node.nodeType === 1 && OWN_HOST.test((node as Element).tagName);
  if (record.type === 'characterData') return false;
  if (own(record.target)) return true;
  const changed = [...record.addedNodes, ...record.removedNodes];
  return changed.length > 0 && changed.every(own);
}
