import { startContent } from '../src/content/main.ts';
import { BITRIX24_CLOUD_MATCHES } from '../src/portal/cloud-domains.ts';

export default defineContentScript({
  matches: BITRIX24_CLOUD_MATCHES,
  cssInjectionMode: 'ui',
  main(ctx) {
    startContent(ctx);
  },
});
