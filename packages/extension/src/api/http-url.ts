/**
 * The API address as the user typed it, normalised to an origin plus path without a trailing slash,
 * or null when it is not an http(s) URL (a `javascript:` or `file:` address must never be stored).
 */
export function normaliseApiUrl(input: string): string | null {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
