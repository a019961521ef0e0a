import { i18n } from '#i18n';
import { routeHash, type TabId } from '../route.ts';

const LABELS: Record<TabId, () => string> = {
  settings: () => i18n.t('console.tabs.settings'),
  users: () => i18n.t('console.tabs.users'),
  dismissed: () => i18n.t('console.tabs.dismissed'),
  chats: () => i18n.t('console.tabs.chats'),
  requests: () => i18n.t('console.tabs.requests'),
  audit: () => i18n.t('console.tabs.audit'),
};

/** Links, not buttons: each tab has an address content scripts and bookmarks can open. */
export function TabNav({ tabs, active }: { tabs: readonly TabId[]; active: TabId | null }) {
  return (
    <nav class="tabs">
      {tabs.map((tab) => (
        <a
          key={tab}
          href={routeHash({ tab, sessionId: null })}
          data-testid={`tab-${tab}`}
          class={tab === active ? 'tab active' : 'tab'}
          aria-current={tab === active ? 'page' : undefined}
        >
          {LABELS[tab]()}
        </a>
      ))}
    </nav>
  );
}
