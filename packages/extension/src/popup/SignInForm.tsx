import { useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { type ExtensionSession, type OutcomeError, sendMessage } from '../messaging/protocol.ts';
import { errorText } from './error-text.ts';

/**
 * The API address, then either "sign in through Bitrix24" (application mode: the app page in the
 * portal tells the extension who the user is, no code) or, as the fallback for webhook mode, login →
 * "send code" → the code from the Bitrix24 notification → sign in.
 */
export function SignInForm(props: { apiUrl: string | null; onSignedIn(session: ExtensionSession): void }) {
  const [apiUrl, setApiUrl] = useState(props.apiUrl ?? '');
  const [portalUrl, setPortalUrl] = useState('');
  const [login, setLogin] = useState('');
  const [code, setCode] = useState('');
  const [codeSent, setCodeSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<OutcomeError | null>(null);

  async function sendCode(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const sent = await sendMessage('requestSignInCode', { apiUrl, login });
    setBusy(false);
    if (sent.ok) setCodeSent(true);
    else setError(sent.error);
  }

  async function signInThroughPortal() {
    setBusy(true);
    setError(null);
    // The background runs it to the end even if this popup closes when the portal tab comes forward.
    const session = await sendMessage('signInThroughPortal', { apiUrl, portalUrl });
    setBusy(false);
    if (session.ok) props.onSignedIn(session.value);
    else setError(session.error);
  }

  async function signIn(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const session = await sendMessage('signIn', { login, code });
    setBusy(false);
    if (session.ok) props.onSignedIn(session.value);
    else setError(session.error);
  }

  return (
    <form class="sign-in" onSubmit={codeSent ? signIn : sendCode}>
      <label>
        {i18n.t('popup.apiUrl')}
        <input
          data-testid="api-url"
          type="url"
          required
          placeholder="https://gdpr.example.com"
          value={apiUrl}
          disabled={codeSent}
          onInput={(e) => setApiUrl(e.currentTarget.value)}
        />
      </label>
      {!codeSent && (
        <section class="app-sign-in">
          <label>
            {i18n.t('popup.portalUrl')}
            <input
              data-testid="portal-url"
              type="url"
              placeholder="https://example.bitrix24.com"
              value={portalUrl}
              onInput={(e) => setPortalUrl(e.currentTarget.value)}
            />
          </label>
          <button
            type="button"
            class="primary"
            data-testid="app-sign-in"
            disabled={busy}
            onClick={signInThroughPortal}
          >
            {i18n.t('popup.appSignIn')}
          </button>
          <p class="hint">{busy ? i18n.t('popup.appSigningIn') : i18n.t('popup.appSignInHint')}</p>
          <p class="hint">{i18n.t('popup.useCode')}</p>
        </section>
      )}
      <label>
        {i18n.t('popup.login')}
        <input
          data-testid="login"
          required
          autocomplete="username"
          value={login}
          disabled={codeSent}
          onInput={(e) => setLogin(e.currentTarget.value)}
        />
      </label>
      {codeSent && (
        <>
          <p class="hint">{i18n.t('popup.codeSent')}</p>
          <label>
            {i18n.t('popup.code')}
            <input
              data-testid="code"
              required
              inputMode="numeric"
              autocomplete="one-time-code"
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
          </label>
        </>
      )}
      {error && (
        <p class="error" role="alert" data-testid="sign-in-error">
          {errorText(error)}
        </p>
      )}
      {codeSent ? (
        <div class="actions">
          <button type="submit" data-testid="sign-in" disabled={busy}>
            {i18n.t('popup.signIn')}
          </button>
          <button
            type="button"
            data-testid="send-code-again"
            disabled={busy}
            onClick={() => setCodeSent(false)}
          >
            {i18n.t('popup.back')}
          </button>
        </div>
      ) : (
        <button type="submit" data-testid="send-code" disabled={busy}>
          {i18n.t('popup.sendCode')}
        </button>
      )}
    </form>
  );
}
