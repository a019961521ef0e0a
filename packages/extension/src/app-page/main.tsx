import { render } from 'preact';
import { setApiTransport } from '../api/transport.ts';
import '../console/console.css';
import '../ui/styles.css';
import './app-page.css';
import { AppPage } from './AppPage.tsx';
import { readBoot } from './boot.ts';
import { setLanguage } from './i18n.ts';
import { createPageTransport } from './page-transport.ts';

/** The native pages' bundle (vite.pages.config.ts): boot data from the server's shell, then the UI. */
const root = document.getElementById('app') as HTMLElement;
const boot = readBoot(document);
if (boot) {
  setLanguage(boot.lang);
  setApiTransport(createPageTransport(boot.token));
  render(<AppPage boot={boot} />, root);
} else {
  root.textContent = 'b24-gdpr: this page was opened without its frame data. Open it from Bitrix24.';
}
