import { useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { type ExtensionSession, sendMessage } from '../messaging/protocol.ts';
import { SignedIn } from './SignedIn.tsx';
import { SignInForm } from './SignInForm.tsx';

/**
 * The sign-in state, shared by the popup and the options page. Opening it re-reads user and roles
 * from the API (an admin right or auditor grant may have changed since sign-in).
 */
export function SessionPanel() {
  const [session, setSession] = useState<ExtensionSession | null>(null);

  useEffect(() => {
    void sendMessage('getSession', { refresh: true }).then(setSession);
  }, []);

  if (!session) return <p class="hint">{i18n.t('popup.loading')}</p>;
  if (!session.signedIn) return <SignInForm apiUrl={session.apiUrl} onSignedIn={setSession} />;
  return <SignedIn session={session} onSignOut={() => void sendMessage('signOut').then(setSession)} />;
}
