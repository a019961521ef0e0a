import {
  APP_PAGE_ASSETS_PATH,
  APP_PAGE_BOOT_ELEMENT,
  APP_PAGE_SCRIPT,
  APP_PAGE_STYLES,
  type AppPageBoot,
} from '@b24-gdpr/shared';

/**
 * The native pages' HTML: a shell with the boot data as JSON and our one script and stylesheet.
 * Nothing the portal sent is written as markup: the boot data is JSON inside a non-executable script
 * element, with `<`, `>`, `&` and the line separators escaped so no value can close it.
 */
export function renderShell(boot: AppPageBoot, title: string): string {
  const json = JSON.stringify(boot).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `<!doctype html>
<html lang="${boot.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeText(title)}</title>
<link rel="stylesheet" href="${APP_PAGE_ASSETS_PATH}/${APP_PAGE_STYLES}">
<script type="module" src="${APP_PAGE_ASSETS_PATH}/${APP_PAGE_SCRIPT}"></script>
</head>
<body>
<script type="application/json" id="${APP_PAGE_BOOT_ELEMENT}">${json}</script>
<div id="app"></div>
</body>
</html>
`;
}

/** A page that says why the frame was refused, as text. */
export function renderRefusal(lang: 'en' | 'de', message: string): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>b24-gdpr</title></head>
<body><p data-testid="app-page-refused">${escapeText(message)}</p></body></html>
`;
}

const escapeText = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Only our own script, styles and API; no inline script, no plugin, no form posting anywhere; only
 * the portal the frame was verified for may frame it.
 */
export function shellSecurityHeaders(portalOrigin: string | null): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
      `frame-ancestors ${portalOrigin ?? "'none'"}`,
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}
