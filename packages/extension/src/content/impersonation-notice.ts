import { h } from 'preact';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { callApi } from '../api/operations.ts';
import { sendMessage } from '../messaging/protocol.ts';
import { acknowledgedImpersonationsItem } from '../storage/items.ts';
import { ImpersonationNotice } from '../ui/ImpersonationNotice.tsx';
import { unacknowledged } from './notice-sessions.ts';
import { createBodyUi } from './shadow-ui.ts';

/** Acknowledged ids kept; older ones are dropped (their sessions are long past the first page). */
const MAX_ACKNOWLEDGED = 500;

/**
 * On an employee's own visit (not inside an impersonation): a notice of the sessions in which an
 * administrator acted as them, each with a link to its actions in the console, until dismissed.
 */
export async function showImpersonationNotice(ctx: ContentScriptContext, userId: number): Promise<void> {
  const outcome = await callApi('ImpersonationSessions', {
    filter: { impersonatedUserId: userId },
    first: 20,
  });
  if (!outcome.ok) return;
  let sessions = unacknowledged(
    outcome.value.impersonationSessions.edges.map((e) => e.node),
    userId,
    await acknowledgedImpersonationsItem.getValue(),
  );
  if (sessions.length === 0 || ctx.isInvalid) return;

  const dismiss = async (id: string) => {
    const acknowledged = await acknowledgedImpersonationsItem.getValue();
    await acknowledgedImpersonationsItem.setValue(
      [...acknowledged.filter((a) => a !== id), id].slice(-MAX_ACKNOWLEDGED),
    );
    sessions = sessions.filter((s) => s.id !== id);
    rerender();
  };
  const open = (id: string) =>
    void sendMessage('openConsole', { path: `/audit/sessions/${encodeURIComponent(id)}` });
  const ui = createBodyUi(ctx, 'b24-gdpr-notice', 'last', () =>
    h(ImpersonationNotice, { sessions, onOpen: open, onDismiss: (id) => void dismiss(id) }),
  );
  const rerender = () => void (sessions.length > 0 ? ui.show() : ui.hide());
  await ui.show();
}
