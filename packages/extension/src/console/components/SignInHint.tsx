import { browser } from 'wxt/browser';
import { i18n } from '#i18n';

/** The console needs the token the options page gets; send the user there. */
export function SignInHint() {
  return (
    <main class="console">
      <div class="notice" data-testid="console-sign-in">
        <p>{i18n.t('console.signIn.hint')}</p>
        <button
          type="button"
          data-testid="console-open-options"
          onClick={() => void browser.runtime.openOptionsPage()}
        >
          {i18n.t('console.signIn.openOptions')}
        </button>
      </div>
    </main>
  );
}
