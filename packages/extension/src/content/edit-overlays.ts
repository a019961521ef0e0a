import type { ContentRefInput } from '@b24-gdpr/shared/graphql';
import { h, render } from 'preact';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { OperationResult } from '../api/operations.ts';
import { callApi } from '../api/operations.ts';
import { BADGE_CSS, EditBadge } from '../ui/edits/EditBadge.tsx';
import { EditPanel } from '../ui/edits/EditPanel.tsx';
import { badgeAnchorOf, type ContentItem, ENTITY_TYPES, itemKey } from './content-items.ts';
import { createBodyUi } from './shadow-ui.ts';
import { createSummaryTracker } from './summary-tracker.ts';

type Summaries = Extract<OperationResult<'EditSummaries'>['editSummaries'], { __typename: 'EditSummaries' }>;
export type EditSummary = Summaries['items'][number];

const BADGE_HOST = 'b24-gdpr-badge';

/**
 * Edit-history badges for auditors and administrators. Each scan asks `editSummaries` only about
 * items not asked before (the first screen is one request), and badges every item with edits; a
 * click opens the versions and word diffs.
 */
export function createEditOverlays(ctx: ContentScriptContext) {
  const tracker = createSummaryTracker();
  const summaries = new Map<string, EditSummary>();
  const badged = new WeakMap<Element, HTMLElement>();
  const hosts = new Set<HTMLElement>();
  let open: ContentRefInput | null = null;
  const panel = createBodyUi(ctx, 'b24-gdpr-edits', 'last', () =>
    open ? h(EditPanel, { key: `${open.entityType}:${open.entityId}`, item: open, onClose: close }) : null,
  );

  const openPanel = (item: ContentRefInput) => {
    open = item;
    void panel.show();
  };
  const close = () => {
    open = null;
    void panel.hide();
  };

  const badge = (item: ContentItem) => {
    const summary = summaries.get(itemKey(item));
    if (!summary || summary.editCount < 1) return;
    const existing = badged.get(item.element);
    if (existing?.isConnected) return;
    const host = document.createElement(BADGE_HOST);
    const shadow = host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = BADGE_CSS;
    const container = document.createElement('span');
    shadow.append(style, container);
    const ref = { entityType: ENTITY_TYPES[item.kind], entityId: item.id };
    render(
      h(EditBadge, {
        editCount: summary.editCount,
        impersonated: summary.editedWhileImpersonating,
        onOpen: () => openPanel(ref),
      }),
      container,
    );
    badgeAnchorOf(item).append(host);
    badged.set(item.element, host);
    hosts.add(host);
  };

  const ask = async (refs: ContentRefInput[], items: ContentItem[]) => {
    const outcome = await callApi('EditSummaries', { refs });
    if (!outcome.ok) {
      tracker.forget(refs);
      return;
    }
    const result = outcome.value.editSummaries;
    if (result.__typename !== 'EditSummaries') return;
    for (const summary of result.items) {
      const kind = summary.entityType === 'POST' ? 'post' : 'message';
      summaries.set(itemKey({ kind, id: summary.entityId }), summary);
    }
    for (const item of items) badge(item);
  };

  ctx.onInvalidated(() => {
    for (const host of hosts) host.remove();
    hosts.clear();
  });

  return {
    /** One scan's items: badge what is known, ask about what is new. */
    scan(items: ContentItem[]): void {
      for (const item of items) badge(item);
      for (const refs of tracker.take(items)) void ask(refs, items);
    },
  };
}
