import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config/config.ts';
import type { PortalConnection } from '../portal/connect.ts';

/**
 * The token the portal signs its deliveries with (`auth[application_token]`): BITRIX24_APPLICATION_TOKEN
 * on a real portal, the sandbox's own one otherwise. Null: nothing is accepted.
 */
export function expectedApplicationToken(config: Config, portal: PortalConnection): string | null {
  return config.BITRIX24_APPLICATION_TOKEN || portal.sandbox?.applicationToken || null;
}

/** Constant-time comparison (of digests, so lengths leak nothing either). */
export function applicationTokenMatches(given: string | null | undefined, expected: string | null): boolean {
  if (!given || !expected) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
