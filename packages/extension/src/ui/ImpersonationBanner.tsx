import { i18n } from '#i18n';
import type { ActingAs } from '../messaging/protocol.ts';

/** Someone's name, or "user N" when the extension could not look it up. */
const nameOf = (name: string | null, id: number) => name ?? i18n.t('page.banner.user', [String(id)]);

/** Shown on every page of an impersonation session; names are set as text, never as HTML. */
export function ImpersonationBanner(props: { actingAs: ActingAs; onEnd: () => void }) {
  const { actingAs } = props;
  return (
    <div class="banner" role="alert" data-testid="impersonation-banner">
      <span>
        {i18n.t('page.banner.text', [
          nameOf(actingAs.impersonatedName, actingAs.impersonatedUserId),
          nameOf(actingAs.adminName, actingAs.adminUserId),
        ])}
      </span>
      <button type="button" class="link" data-testid="end-impersonation" onClick={props.onEnd}>
        {i18n.t('page.banner.end')}
      </button>
    </div>
  );
}
