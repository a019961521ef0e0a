import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config/config.ts';
import type { PortalConnection } from '../portal/connect.ts';

/**
 * Whether a delivery carries the token the portal signs its events with (`auth[application_token]`):
 * BITRIX24_APPLICATION_TOKEN when set, else the one the sandbox names (asked again once, rate-limited,
 * when it does not match: a sandbox started separately may have been restarted). No token: refused.
 */
export async function acceptsApplicationToken(
  given: string | null | undefined,
  config: Config,
  portal: PortalConnection,
): Promise<boolean> {
  if (!given) return false;
  if (config.BITRIX24_APPLICATION_TOKEN)
    return applicationTokenMatches(given, config.BITRIX24_APPLICATION_TOKEN);
  const known = await portal.applicationToken();
  if (applicationTokenMatches(given, known)) return true;
  const fresh = await portal.applicationToken({ fresh: true });
  return fresh !== known && applicationTokenMatches(given, fresh);
}

/** Constant-time comparison (of digests, so lengths leak nothing either). */
export function applicationTokenMatches(given: string | null | undefined, expected: string | null): boolean {
  if (!given || !expected) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
