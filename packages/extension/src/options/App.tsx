import { i18n } from '#i18n';
import { SessionPanel } from '../popup/SessionPanel.tsx';
import { PortalList } from './PortalList.tsx';

export function App() {
  return (
    <main class="options">
      <h1>{i18n.t('extName')}</h1>
      <h2>{i18n.t('options.account')}</h2>
      <SessionPanel />
      <PortalList />
    </main>
  );
}
