import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { authorizeLinkAt } from '../bitrix24/authorize-link.ts';
import { type PageIdentity, sendMessage } from '../messaging/protocol.ts';

/**
 * On the admin user list, an "Authorize" click first tells the background who the admin is (the
 * page after the switch shows someone else). The click is not held up: the message leaves at once.
 */
export function watchAuthorizeClicks(ctx: ContentScriptContext, identity: () => PageIdentity | null): void {
  ctx.addEventListener(
    document,
    'click',
    (event) => {
      const hit = authorizeLinkAt(event.target, new URL(location.href));
      const page = identity();
      if (!hit || !page?.userId) return;
      void sendMessage('authorizeIntent', {
        portalOrigin: page.portalOrigin,
        adminUserId: page.userId,
        targetUserId: hit.targetUserId,
        sessionKey: page.sessionKey,
      }).catch(() => undefined);
    },
    { capture: true },
  );
}
