import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** API tokens carry a prefix so a leaked one is recognisable in logs and secret scanners. */
export const TOKEN_PREFIX = 'b24g_';

/** 32 random bytes, shown to the user once; only its SHA-256 is stored. */
export function generateApiToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Six digits, uniformly drawn (randomInt avoids the modulo bias of bytes % 10^6). */
export function generateSignInCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

export function constantTimeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
