import { h } from 'preact';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { type ActingAs, sendMessage } from '../messaging/protocol.ts';
import { ImpersonationBanner } from '../ui/ImpersonationBanner.tsx';
import { logoutUrl } from './identity.ts';
import { createPreactUi, type ShadowUi } from './shadow-ui.ts';

/**
 * The impersonation banner, shown while the background says this page belongs to an impersonation
 * session. "End session" reports the end, then logs the portal session out (Bitrix's own link).
 */
export function createBanner(ctx: ContentScriptContext) {
  let actingAs: ActingAs | null = null;
  let ui: Promise<ShadowUi> | null = null;

  const end = async () => {
    await sendMessage('endImpersonation', { portalOrigin: location.origin }).catch(() => undefined);
    const url = await logoutUrl();
    if (url) location.assign(url);
  };

  return {
    async show(next: ActingAs | null): Promise<void> {
      if (next?.sessionId === actingAs?.sessionId) return;
      actingAs = next;
      ui ??= createPreactUi(ctx, {
        name: 'b24-gdpr-banner',
        position: 'inline',
        anchor: 'body',
        append: 'first',
        view: () => (actingAs ? h(ImpersonationBanner, { actingAs, onEnd: () => void end() }) : null),
      });
      const banner = await ui;
      banner.remove();
      if (actingAs) banner.mount();
    },
  };
}
