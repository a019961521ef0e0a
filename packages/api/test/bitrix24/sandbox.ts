import { createSandboxPortal, type SandboxOptions, type SandboxPortal } from '@b24-gdpr/sandbox';
import { afterEach } from 'vitest';
import { Bitrix24Client, type Bitrix24ClientOptions, LeakyBucketLimiter } from '../../src/bitrix24/index.ts';

/** Retries that do not make the tests wait. */
export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 4, maxElapsedMs: 10_000 };

const open: SandboxPortal[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((portal) => portal.close()));
});

/** A sandbox portal closed after the test; the rate limit is off unless asked for. */
export async function startPortal(options: SandboxOptions = {}): Promise<SandboxPortal> {
  const portal = await createSandboxPortal({ dataset: 'empty', rateLimit: false, ...options });
  open.push(portal);
  return portal;
}

/** A client for `userId`'s webhook with its own limiter, so tests do not share a bucket. */
export function clientFor(
  portal: SandboxPortal,
  userId = 1,
  options: Partial<Bitrix24ClientOptions> = {},
): Bitrix24Client {
  return new Bitrix24Client({
    webhookUrl: portal.webhookUrl(userId),
    limiter: new LeakyBucketLimiter({ burst: 1000, drainPerSecond: 1000 }),
    retry: FAST_RETRY,
    ...options,
  });
}

/** The user ids the portal holds, ascending. */
export function userIds(portal: SandboxPortal): string[] {
  return [...portal.state.users.keys()].sort((a, b) => a - b).map(String);
}
