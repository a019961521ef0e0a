import { CHROME_EXTENSION_KEY } from '@b24-gdpr/shared';
import { defineConfig } from 'wxt';
import { BITRIX24_CLOUD_MATCHES } from './src/portal/cloud-domains.ts';

// Hosts the test run serves the sandbox portal and the API on. Only a build made with
// B24_GDPR_TEST_HOSTS=1 (the e2e suite's) asks for them; a real build asks for a self-hosted
// portal's host at run time from the options page instead.
const testHosts = process.env.B24_GDPR_TEST_HOSTS === '1' ? ['http://127.0.0.1/*', 'http://localhost/*'] : [];

// Self-hosted portals: asked for one host at a time from the options page.
const OPTIONAL_HOSTS = ['https://*/*', 'http://*/*'];

export default defineConfig({
  modules: ['@wxt-dev/i18n/module'],
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: ['storage', 'alarms', 'scripting', 'downloads'],
    host_permissions: [...BITRIX24_CLOUD_MATCHES, ...testHosts],
    optional_host_permissions: OPTIONAL_HOSTS,
    // Firefox (`build:firefox`, MV3): a fixed id keeps storage across reinstalls; 128 is the first
    // version that runs content scripts in the page's main world (page-globals).
    // Chromium: a fixed public key gives every build the same id, the origin the API allows by default
    // (packages/shared/src/extension-identity.ts, EXTENSION_ORIGINS).
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'b24-gdpr@b24-gdpr.dev', strict_min_version: '128.0' } } }
      : { key: CHROME_EXTENSION_KEY }),
  }),
  hooks: {
    // The test hosts reach every content script and web-accessible resource from this one place,
    // so the entrypoints keep matching only the cloud domains.
    'build:manifestGenerated': (_wxt, manifest) => {
      // The injected UI loads its CSS from the extension; on a self-hosted portal (content scripts
      // registered at run time, src/background/portals.ts) that file must be reachable too. Only
      // resources with a per-session URL are widened, so a site cannot probe for the extension.
      for (const resource of manifest.web_accessible_resources ?? []) {
        if (typeof resource !== 'string' && resource.use_dynamic_url) {
          resource.matches = [...new Set([...(resource.matches ?? []), ...OPTIONAL_HOSTS])];
        }
      }
      if (testHosts.length === 0) return;
      for (const script of manifest.content_scripts ?? []) {
        script.matches = [...(script.matches ?? []), ...testHosts];
      }
      for (const resource of manifest.web_accessible_resources ?? []) {
        if (typeof resource !== 'string') resource.matches = [...(resource.matches ?? []), ...testHosts];
      }
    },
  },
  vite: () => ({
    build: { sourcemap: false },
  }),
});
