import type { AppPageBoot, Role } from '@b24-gdpr/shared';
import { useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { callApi } from '../api/operations.ts';
import { parseRoute, type TabId, tabsFor } from '../console/route.ts';
import { AdminTab } from '../console/tabs/AdminTab.tsx';
import { useHash } from '../console/use-hash.ts';
import { ProfilePanel } from '../ui/profile/ProfilePanel.tsx';
import { type HandoffState, listenForHandoff } from './handoff.ts';

/**
 * The native pages inside Bitrix24: the same components as the extension's profile panel and
 * console, on the API through the frame's session. Roles come from the API (`me`), never from the
 * frame alone, so the API's rules decide what shows, as in the extension.
 */
export function AppPage({ boot }: { boot: AppPageBoot }) {
  const [roles, setRoles] = useState<Role[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [handoff, setHandoff] = useState<HandoffState>('idle');
  const hash = useHash();

  useEffect(() => listenForHandoff(boot, setHandoff), []);
  useEffect(() => {
    void callApi('Me', {}).then((me) => {
      if (me.ok) setRoles(me.value.me.roles as Role[]);
      else setError(me.error.message);
    });
  }, []);

  return (
    <div class="console app-page" data-testid="app-page" data-view={boot.view}>
      {handoff !== 'idle' ? (
        <p class="app-page-notice" data-testid="handoff-state" data-state={handoff}>
          {i18n.t(`appPage.handoff.${handoff}`)}
        </p>
      ) : null}
      {error !== null ? (
        <p class="reason error" role="alert" data-testid="app-page-error">
          {i18n.t('page.panel.error', [error])}
        </p>
      ) : roles === null ? (
        <p class="loading">{i18n.t('console.loading')}</p>
      ) : (
        <View boot={boot} roles={roles} hash={hash} />
      )}
    </div>
  );
}

function View({ boot, roles, hash }: { boot: AppPageBoot; roles: Role[]; hash: string }) {
  if (boot.view === 'profile-menu')
    return <ProfilePanel userId={boot.userId} viewer="own" dismissed={false} />;
  if (boot.view === 'profile-toolbar') {
    if (boot.subjectUserId === boot.userId)
      return <ProfilePanel userId={boot.userId} viewer="own" dismissed={false} />;
    if (!roles.includes('ADMIN'))
      return (
        <p class="app-page-notice" data-testid="app-page-not-admin">
          {i18n.t('appPage.notAdmin')}
        </p>
      );
    return <ProfilePanel userId={boot.subjectUserId} viewer="admin" dismissed={false} />;
  }
  // The app's own page: "My personal data" for everyone, the console's admin tabs for administrators.
  const adminTabs: TabId[] = tabsFor(roles).filter((tab) => tab !== 'audit');
  const asked = parseRoute(hash).tab;
  const tab = asked && adminTabs.includes(asked) ? asked : null;
  return (
    <>
      <header class="console-header">
        <h1>{i18n.t('appPage.title')}</h1>
      </header>
      {adminTabs.length > 0 ? <Nav tabs={adminTabs} active={tab} /> : null}
      <main class="tab-panel">
        {tab === null ? (
          <ProfilePanel userId={boot.userId} viewer="own" dismissed={false} />
        ) : (
          <AdminTab tab={tab} />
        )}
      </main>
    </>
  );
}

function Nav({ tabs, active }: { tabs: readonly TabId[]; active: TabId | null }) {
  const link = (id: string, label: string, current: boolean) => (
    <a
      key={id}
      href={`#/${id}`}
      data-testid={`tab-${id}`}
      class={current ? 'tab active' : 'tab'}
      aria-current={current ? 'page' : undefined}
    >
      {label}
    </a>
  );
  return (
    <nav class="tabs">
      {link('mine', i18n.t('appPage.mine'), active === null)}
      {tabs.map((tab) => link(tab, i18n.t(`console.tabs.${tab}`), tab === active))}
    </nav>
  );
}
