import type { SandboxRuntime } from '../runtime.ts';
import type { User } from '../state/types.ts';
import { RestError, systemError } from './errors.ts';
import type { ParamObject } from './params.ts';
import type { CallerAuth } from './registry.ts';

/**
 * The access token of a REST call, as modules/rest/lib/oauth/auth.php `getAuthKey` finds it: the
 * `Authorization: Bearer` header first, then the `auth` or `access_token` parameter (a scalar). The
 * parameters are removed so methods never see them (`parameters_clear`).
 */
export function takeAccessToken(header: string | undefined, raw: ParamObject): string | null {
  let found: string | null = null;
  if (header && /^Bearer\s+/i.test(header)) found = header.replace(/^Bearer\s+/i, '');
  for (const key of ['auth', 'access_token']) {
    const v = raw[key];
    if (found === null && v !== undefined && v !== null && typeof v !== 'object') found = String(v);
    delete raw[key];
  }
  return found === null || found === '' ? null : found;
}

/** Every token refusal is a 401 (modules/rest/lib/oauthexception.php: STATUS_UNAUTHORIZED). */
function oauthError(code: string, description: string): RestError {
  return new RestError(code, description, 401);
}

/**
 * Checks an access token in the order of modules/rest/lib/oauth/auth.php `onRestCheckAuth`: known to
 * the authorization server (else `invalid_token`, the code the official SDK refreshes on together with
 * `expired_token`: b24jssdk src/core/http/abstract-http.ts), the app still active, not expired
 * (`expired_token`, error-codes.md 401), and the user able to sign in (`authorization_error` for a
 * dismissed user: `CRestUtil::makeAuth` needs ACTIVE = Y).
 */
export function authenticateOAuth(
  portal: SandboxRuntime,
  value: string,
): { caller: User; auth: CallerAuth } | RestError {
  const token = portal.tokens.findAccess(value);
  if (!token) return oauthError('invalid_token', 'The access token provided is invalid');
  const app = portal.apps.get(token.appId);
  if (!app?.active) return oauthError('APPLICATION_NOT_FOUND', 'Application not found');
  if (portal.tokens.isExpired(token)) return systemError('expired_token');
  const caller = portal.state.user(token.userId);
  if (!caller?.ACTIVE) return oauthError('authorization_error', 'Unable to authorize user');
  return { caller, auth: { type: 'oauth', app, token } };
}
