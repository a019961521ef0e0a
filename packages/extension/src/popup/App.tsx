import { i18n } from '#i18n';
import { SessionPanel } from './SessionPanel.tsx';

export function App() {
  return (
    <main class="popup">
      <h1>{i18n.t('extName')}</h1>
      <SessionPanel />
      <p class="footer">
        <a
          href={browser.runtime.getURL('/options.html')}
          target="_blank"
          rel="noreferrer"
          data-testid="open-options"
        >
          {i18n.t('popup.options')}
        </a>
      </p>
    </main>
  );
}
