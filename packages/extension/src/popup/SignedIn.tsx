import { i18n } from '#i18n';
import type { ExtensionSession } from '../messaging/protocol.ts';

/** Who is signed in, their roles, the console for admins and auditors, and sign-out. */
export function SignedIn(props: { session: ExtensionSession; onSignOut(): void }) {
  const { user, roles, apiUrl } = props.session;
  const mayOpenConsole = roles.includes('ADMIN') || roles.includes('AUDITOR');
  return (
    <section class="signed-in">
      <p>
        {i18n.t('popup.signedInAs')} <strong data-testid="signed-in-user">{user?.name ?? '?'}</strong>
      </p>
      <p class="hint" data-testid="roles">
        {i18n.t('popup.roles')} {roles.map((role) => i18n.t(`popup.role.${role}`)).join(', ')}
      </p>
      <p class="hint" data-testid="signed-in-api">
        {apiUrl}
      </p>
      <div class="actions">
        {mayOpenConsole && (
          <button
            type="button"
            data-testid="open-console"
            onClick={() => void browser.tabs.create({ url: browser.runtime.getURL('/console.html') })}
          >
            {i18n.t('popup.openConsole')}
          </button>
        )}
        <button type="button" data-testid="sign-out" onClick={props.onSignOut}>
          {i18n.t('popup.signOut')}
        </button>
      </div>
    </section>
  );
}
