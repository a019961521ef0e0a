import type { TabId } from '../route.ts';
import { ChatCaptureTab } from './ChatCaptureTab.tsx';
import { DismissedTab } from './DismissedTab.tsx';
import { RequestsTab } from './RequestsTab.tsx';
import { SettingsTab } from './SettingsTab.tsx';
import { UsersTab } from './UsersTab.tsx';

/** The administrators' tabs, shared by the console and the native app page. */
export function AdminTab({ tab }: { tab: TabId | null }) {
  switch (tab) {
    case 'settings':
      return <SettingsTab />;
    case 'users':
      return <UsersTab />;
    case 'dismissed':
      return <DismissedTab />;
    case 'chats':
      return <ChatCaptureTab />;
    case 'requests':
      return <RequestsTab />;
    default:
      return null;
  }
}
