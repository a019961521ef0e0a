import { useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { type ExtensionSession, sendMessage } from '../messaging/protocol.ts';
import { SessionDetail } from './audit/SessionDetail.tsx';
import { SignInHint } from './components/SignInHint.tsx';
import { TabNav } from './components/TabNav.tsx';
import { parseRoute, type Route, resolveRoute, tabsFor } from './route.ts';
import { AdminTab } from './tabs/AdminTab.tsx';
import { AuditTab } from './tabs/AuditTab.tsx';
import { useHash } from './use-hash.ts';

/** The console: who is signed in decides which tabs exist; the hash decides which one shows. */
export function App() {
  const [session, setSession] = useState<ExtensionSession | null>(null);
  const hash = useHash();

  useEffect(() => {
    // Roles are re-read from the API, so a role granted or revoked since sign-in shows at once.
    void sendMessage('getSession', { refresh: true }).then(setSession, () =>
      setSession({ apiUrl: null, signedIn: false, user: null, roles: [] }),
    );
  }, []);

  if (!session) return <p class="loading">{i18n.t('console.loading')}</p>;
  if (!session.signedIn) return <SignInHint />;

  const allowed = tabsFor(session.roles);
  const asked = parseRoute(hash);
  // The notice an impersonated employee sees links to the session's actions: anyone signed in may
  // open a session by its address, and the API decides whether they may see it.
  if (asked.tab === 'audit' && asked.sessionId && !allowed.includes('audit')) {
    return (
      <div class="console">
        <Header user={session.user} />
        {allowed.length > 0 ? <TabNav tabs={allowed} active={null} /> : null}
        <main class="tab-panel">
          <SessionDetail id={asked.sessionId} backLink={false} />
        </main>
      </div>
    );
  }
  if (allowed.length === 0) {
    return (
      <main class="console">
        <p class="notice" data-testid="console-no-role">
          {i18n.t('console.noRole')}
        </p>
      </main>
    );
  }
  const route = resolveRoute(asked, allowed);
  return (
    <div class="console">
      <Header user={session.user} />
      <TabNav tabs={allowed} active={route.tab} />
      <main class="tab-panel">
        <TabContent route={route} />
      </main>
    </div>
  );
}

function Header({ user }: { user: ExtensionSession['user'] }) {
  return (
    <header class="console-header">
      <h1>{i18n.t('console.title')}</h1>
      {user ? (
        <span class="signed-in" data-testid="console-user">
          {i18n.t('console.signedInAs', [user.name])}
        </span>
      ) : null}
    </header>
  );
}

function TabContent({ route }: { route: Route }) {
  if (route.tab === 'audit') return <AuditTab sessionId={route.sessionId} />;
  return <AdminTab tab={route.tab} />;
}
