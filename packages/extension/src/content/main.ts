import '../ui/styles.css';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { type ExtensionSession, onMessage, type PageIdentity, sendMessage } from '../messaging/protocol.ts';
import { watchAuthorizeClicks } from './authorize-clicks.ts';
import { createBanner } from './banner.ts';
import { createEditOverlays } from './edit-overlays.ts';
import { createEditsSeen } from './edits-seen.ts';
import { runHandoff } from './handoff.ts';
import { readPageIdentity } from './identity.ts';
import { showImpersonationNotice } from './impersonation-notice.ts';
import { watchContentItems } from './item-watch.ts';
import { mountProfilePanel } from './profile-panel.ts';

/** Roles that see the edit history of posts and messages. */
const OVERLAY_ROLES = new Set(['ADMIN', 'AUDITOR']);

/**
 * Reads the page and mounts the injected UI that fits it. Every page (and every in-page navigation)
 * reports who the page says is signed in; the background answers whether this is an impersonation.
 */
export function startContent(ctx: ContentScriptContext): void {
  const banner = createBanner(ctx);
  let identity: Promise<PageIdentity> = readPageIdentity();
  let known: PageIdentity | null = null;

  const report = async () => {
    const page = await identity;
    known = page;
    const { actingAs } = await sendMessage('pageIdentity', page);
    if (!ctx.isInvalid) await banner.show(actingAs);
    return actingAs;
  };
  const first = report().catch(() => null);
  ctx.addEventListener(window, 'wxt:locationchange', () => {
    identity = readPageIdentity();
    void report().catch(() => undefined);
  });
  watchAuthorizeClicks(ctx, () => known);
  // The extension's sign-in through the app page: only the top frame carries the challenge in.
  if (window === window.top)
    onMessage('runHandoff', async ({ data }) => {
      const handed = await runHandoff(data);
      // Who the page says is signed in: the background checks the frame's user against it.
      return handed.ok
        ? { ok: true, value: { ...handed.value, pageUserId: (await identity).userId } }
        : handed;
    });

  void sendMessage('getSession', {})
    .then((session) => startSignedInParts(ctx, session, () => identity, first))
    .catch(() => undefined);
}

async function startSignedInParts(
  ctx: ContentScriptContext,
  session: ExtensionSession,
  identity: () => Promise<PageIdentity>,
  firstReport: Promise<unknown>,
): Promise<void> {
  if (ctx.isInvalid) return;
  await mountProfilePanel(ctx, session);
  if (!session.signedIn || !session.user) return;

  const overlays = session.roles.some((role) => OVERLAY_ROLES.has(role)) ? createEditOverlays(ctx) : null;
  const edits = createEditsSeen(identity);
  watchContentItems(ctx, (items) => {
    overlays?.scan(items);
    edits.scan(items);
  });

  // The notice is for the employee's own visit: not while an administrator acts as them.
  const actingAs = await firstReport;
  const page = await identity();
  if (!actingAs && page.userId === session.user.id) await showImpersonationNotice(ctx, session.user.id);
}
