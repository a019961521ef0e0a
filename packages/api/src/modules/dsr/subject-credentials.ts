import { Bitrix24AuthError } from '../../bitrix24/index.ts';
import type { PortalConnection } from '../portal/connect.ts';

/**
 * A user's own token died for good: refreshing it answered `invalid_grant` (the refresh token was revoked
 * or expired; settings/oauth error-codes.md). Only the user can hand us a new one, by opening Bitrix24.
 */
export function isTokenRevoked(error: unknown): boolean {
  return error instanceof Bitrix24AuthError && error.code === 'invalid_grant';
}

/**
 * Ends a request whose subject's token died while it ran. Not retryable (the runner marks the request
 * FAILED with this message): retrying cannot help until the subject opens Bitrix24 again. The message
 * names no user, since the request row outlives the subject's id.
 */
export class SubjectTokenRevokedError extends Error {
  constructor(what: string, consequence: string) {
    super(
      `The subject's own Bitrix24 authorisation was revoked while ${what} (the portal answered invalid_grant ` +
        `to refreshing it), so their chats could no longer be read. ${consequence} Ask them to open Bitrix24 ` +
        '(which hands this system a new token), then start the request again.',
    );
    this.name = 'SubjectTokenRevokedError';
  }
}

/**
 * Whether `error` is the subject's token dying (and not, say, the administrator's): the connection has
 * marked their credentials dead.
 */
export async function subjectTokenDied(
  error: unknown,
  portal: Pick<PortalConnection, 'credentialStatus'>,
  subjectUserId: number,
): Promise<boolean> {
  if (!isTokenRevoked(error)) return false;
  return (await portal.credentialStatus(subjectUserId)).state === 'dead';
}
