import { h } from 'preact';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { type ActingAs, sendMessage } from '../messaging/protocol.ts';
import { ImpersonationBanner } from '../ui/ImpersonationBanner.tsx';
import { logoutUrl } from './identity.ts';
import { createBodyUi } from './shadow-ui.ts';

/**
 * The impersonation banner, shown while the background says this page belongs to an impersonation
 * session. "End session" reports the end, then logs the portal session out (Bitrix's own link).
 */
export function createBanner(ctx: ContentScriptContext) {
  let actingAs: ActingAs | null = null;
  const ui = createBodyUi(ctx, 'b24-gdpr-banner', 'first', () =>
    actingAs ? h(ImpersonationBanner, { actingAs, onEnd: () => void end() }) : null,
  );

  const end = async () => {
    await sendMessage('endImpersonation', { portalOrigin: location.origin }).catch(() => undefined);
    const url = await logoutUrl();
    if (url) location.assign(url);
  };

  return {
    async show(next: ActingAs | null): Promise<void> {
      if (next?.sessionId === actingAs?.sessionId) return;
      actingAs = next;
      await (actingAs ? ui.show() : ui.hide());
    },
  };
}
