import { isOperationName, operations } from '../api/operations.ts';
import { fail } from '../api/outcome.ts';
import { onMessage } from '../messaging/protocol.ts';
import { createBackgroundApi } from './api.ts';
import { signInThroughPortal } from './app-sign-in.ts';
import { getSession, refreshSession, requestSignInCode, signIn, signOut } from './auth.ts';
import { openConsole } from './console-tab.ts';
import { downloadExport } from './downloads.ts';
import { createEventQueue } from './event-queue.ts';
import { createImpersonationTracker } from './impersonation.ts';
import { restorePortals } from './portals.ts';
import { startProgressPort } from './progress.ts';
import { startReportDownloads } from './report-download.ts';

/** Wires the message handlers; each area's handlers live in their own module. */
export function startBackground(): void {
  const api = createBackgroundApi();
  const queue = createEventQueue(api);
  const impersonation = createImpersonationTracker(api);

  onMessage('getSession', async ({ data }) => {
    if (!data?.refresh) return getSession();
    const refreshed = await refreshSession(api);
    // The API being down must not make the popup look signed out.
    return refreshed.ok ? refreshed.value : getSession();
  });
  onMessage('requestSignInCode', ({ data }) => requestSignInCode(api, data));
  onMessage('signIn', async ({ data }) => {
    const session = await signIn(api, data);
    // Events seen while signed out were waiting for a token.
    if (session.ok) void queue.flush();
    return session;
  });
  onMessage('signInThroughPortal', async ({ data }) => {
    const session = await signInThroughPortal(api, data);
    if (session.ok) void queue.flush();
    return session;
  });
  onMessage('signOut', () => signOut(api));
  onMessage('graphql', async ({ data }) => {
    if (!isOperationName(data.operation)) {
      return fail({
        kind: 'invalid',
        field: 'operation',
        message: `Unknown operation ${String(data.operation)}.`,
      });
    }
    const document = operations[data.operation] as (typeof operations)['Me'];
    return api.execute(document, (data.variables ?? {}) as Record<string, never>);
  });
  onMessage('queueEvents', ({ data }) => queue.queue(data.events));
  onMessage('authorizeIntent', ({ data }) => impersonation.authorizeIntent(data));
  onMessage('pageIdentity', ({ data }) => impersonation.pageIdentity(data));
  onMessage('endImpersonation', ({ data }) => impersonation.endImpersonation(data));
  onMessage('downloadExport', ({ data }) => downloadExport(api, data));
  onMessage('openConsole', ({ data }) => openConsole(data));

  startProgressPort(api);
  startReportDownloads();
  queue.start();
  void restorePortals().catch(() => undefined);
}
