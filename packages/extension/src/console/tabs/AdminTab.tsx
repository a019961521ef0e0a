import type { TabId } from '../route.ts';
import { DismissedTab } from './DismissedTab.tsx';
import { RequestsTab } from './RequestsTab.tsx';
import { SettingsTab } from './SettingsTab.tsx';
import { UsersTab } from './UsersTab.tsx';

/** The four administrators' tabs, shared by the console and the native app page. */
export function AdminTab({ tab }: { tab: TabId | null }) {
  switch (tab) {
    case 'settings':
      return <SettingsTab />;
    case 'users':
      return <UsersTab />;
    case 'dismissed':
      return <DismissedTab />;
    case 'requests':
      return <RequestsTab />;
    default:
      return null;
  }
}
