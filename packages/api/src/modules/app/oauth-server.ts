import {
  Bitrix24AuthError,
  Bitrix24ServerError,
  type TokenResponse,
  transportError,
} from '../../bitrix24/index.ts';

/** The application's keys: a local app's from its portal, a Market app's from the partner area. */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** How long one token request may take; a refresh claim outlives it (token-refresh.ts). */
export const TOKEN_REQUEST_TIMEOUT_MS = 30_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** http only on loopback (the sandbox); the client secret and refresh tokens never cross a network in clear. */
export function checkEndpointUrl(raw: string, what: string): URL {
  const url = new URL(raw);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw new TypeError(`${what} must use https`);
  if (url.username || url.password || url.search || url.hash)
    throw new TypeError(`${what} must be a plain URL`);
  return url;
}

/**
 * `grant_type=refresh_token` at the authorization server (settings/oauth/auto-renewal.md). Sent as a form
 * POST, as the official SDK does (J `oauth/auth.ts`), so the secret and the refresh token stay out of URLs
 * and access logs. `invalid_grant` (a used, revoked or expired refresh token) is a `Bitrix24AuthError`
 * with that code; other refusals (`PAYMENT_REQUIRED`, `invalid_client`) are auth errors with theirs;
 * transport failures and 5xx are retryable errors, never a dead token.
 */
export async function requestRefresh(
  tokenUrl: string,
  credentials: ClientCredentials,
  refreshToken: string,
): Promise<TokenResponse> {
  const url = checkEndpointUrl(tokenUrl, 'the token URL');
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    refresh_token: refreshToken,
  });
  let status = 0;
  let text: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    // The cause is not attached: it may carry the URL or the body.
    throw transportError(
      'CONNECTION_RESET',
      'oauth/token',
      error instanceof Error ? error.name : 'fetch failed',
    );
  }
  let payload: Partial<TokenResponse> & { error?: unknown; error_description?: unknown };
  try {
    payload = JSON.parse(text) as typeof payload;
  } catch {
    if (status >= 500)
      throw new Bitrix24ServerError({ code: `HTTP_${status}`, status, method: 'oauth/token' });
    throw transportError('INVALID_RESPONSE', 'oauth/token', `HTTP ${status}, body is not JSON`, status);
  }
  if (payload.error !== undefined || !payload.access_token || !payload.refresh_token) {
    const code = typeof payload.error === 'string' ? payload.error : `HTTP_${status}`;
    if (status >= 500) throw new Bitrix24ServerError({ code, status, method: 'oauth/token' });
    const description = typeof payload.error_description === 'string' ? payload.error_description : '';
    // Descriptions are the server's words; they never hold our secrets, but are cut short anyway.
    throw new Bitrix24AuthError({
      code,
      description: description.slice(0, 200),
      status,
      method: 'oauth/token',
    });
  }
  return payload as TokenResponse;
}
