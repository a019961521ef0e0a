/**
 * OAuth credentials for `Bitrix24Client` (application mode). The portal takes `auth=<access_token>` on
 * every call to `client_endpoint + method`; an access token lives an hour, a refresh token 180 days
 * (b24restdocs `settings/oauth/index.md`, `auto-renewal.md`). The docs' rule, which we follow: refresh
 * only when the portal answers 401 `expired_token` (or `invalid_token`), then repeat the call once; never
 * ahead of time or on a timer ("you risk having your application blocked").
 *
 * Where tokens live, how a refresh is serialised and what a dead token means belong to the session's
 * owner (modules/app/token-store.ts); the client only asks for a grant and, once refused, for a new one.
 */

/** What one call is sent with. */
export interface OAuthGrant {
  /** `https://portal/rest/`: the method name is appended. */
  clientEndpoint: string;
  accessToken: string;
  /** The portal user the token acts as. */
  userId: number;
}

export interface OAuthSession {
  /** A name safe to print (never the token), e.g. `https://portal (user 7)`. */
  readonly label: string;
  /** The grant to call with now. Throws a `Bitrix24AuthError` when there is none (missing or dead token). */
  acquire(): Promise<OAuthGrant>;
  /**
   * The portal refused `rejected` (401 `expired_token` / `invalid_token`): a grant to repeat the call with,
   * refreshed once however many callers ask at the same time (another caller's refresh counts). Throws a
   * `Bitrix24AuthError` with code `invalid_grant` when the refresh token is dead.
   */
  renew(rejected: OAuthGrant): Promise<OAuthGrant>;
}

/** The answers after which a refresh and one more try may succeed (settings/oauth/auto-renewal.md). */
export const REFRESHABLE_AUTH_CODES: ReadonlySet<string> = new Set(['expired_token', 'invalid_token']);

/** The authorization server's answer to a token request (settings/oauth/auto-renewal.md). */
export interface TokenResponse {
  access_token: string;
  refresh_token: string;
  expires_in?: number;
  expires?: number;
  client_endpoint?: string;
  server_endpoint?: string;
  member_id?: string;
  domain?: string;
  scope?: string;
  status?: string;
  user_id?: number;
}
