/** Bitrix24 cloud domains (BITRIX24.md, Pages): content scripts match these from the manifest. */
export const BITRIX24_CLOUD_DOMAINS = [
  'bitrix24.com',
  'bitrix24.de',
  'bitrix24.eu',
  'bitrix24.es',
  'bitrix24.fr',
  'bitrix24.it',
  'bitrix24.pl',
  'bitrix24.com.br',
  'bitrix24.com.tr',
  'bitrix24.in',
  'bitrix24.id',
  'bitrix24.vn',
  'bitrix24.jp',
  'bitrix24.cn',
  'bitrix24.ru',
  'bitrix24.by',
  'bitrix24.kz',
  'bitrix24.ua',
] as const;

export const BITRIX24_CLOUD_MATCHES = BITRIX24_CLOUD_DOMAINS.map((domain) => `https://*.${domain}/*`);
