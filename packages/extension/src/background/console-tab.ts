/**
 * Opens the console at one of its hash routes (`/audit/sessions/<id>`) in a new tab. Content scripts
 * ask for it: a portal page cannot link to an extension page. The path comes from a page, so only a
 * plain route (letters, digits, `-`, `_`, `/`) is accepted; anything else opens the console's start.
 */
export async function openConsole(data: { path: unknown }): Promise<void> {
  const path = typeof data?.path === 'string' && /^\/[A-Za-z0-9/_-]{0,200}$/.test(data.path) ? data.path : '';
  await browser.tabs.create({ url: `${browser.runtime.getURL('/console.html')}${path ? `#${path}` : ''}` });
}
