import { h, render } from 'preact';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { readProfile } from '../bitrix24/profile.ts';
import { profile } from '../bitrix24/selectors.ts';
import type { ExtensionSession } from '../messaging/protocol.ts';
import { ProfilePanel, SignedOutPanel } from '../ui/profile/ProfilePanel.tsx';
import { panelViewer } from './panel-viewer.ts';
import { createPreactUi } from './shadow-ui.ts';

/**
 * Mounts the "Personal data" panel at the end of the profile's left column whenever a profile is
 * shown (`autoMount` follows Bitrix24's in-page navigation and unmounts when the profile goes).
 */
export async function mountProfilePanel(ctx: ContentScriptContext, session: ExtensionSession): Promise<void> {
  const view = () => {
    const page = readProfile(document, new URL(location.href));
    if (!page) return null;
    const viewer = panelViewer(session, page.userId);
    if (viewer === 'signedOut') return h(SignedOutPanel, {});
    if (viewer === null) return null;
    return h(ProfilePanel, { key: page.userId, userId: page.userId, viewer, dismissed: page.dismissed });
  };
  const ui = await createPreactUi(ctx, {
    name: 'b24-gdpr-profile',
    position: 'inline',
    anchor: profile.panelAnchor,
    append: 'last',
    view,
  });
  ui.autoMount();
  // Some navigations keep the anchor and change only the URL: draw the panel for the new profile
  // (`remove()` would also stop the auto-mounting, so the tree is re-rendered in place).
  ctx.addEventListener(window, 'wxt:locationchange', () => {
    if (ui.mounted) render(view(), ui.uiContainer);
  });
}
