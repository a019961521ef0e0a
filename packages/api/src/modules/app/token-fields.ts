import { sha256Hex } from '../identity/secrets.ts';
import type { TokenCipher } from './token-cipher.ts';

/** The cipher context of one token: a ciphertext opens only for its portal, user and field. */
export const tokenContext = (portalId: string, userId: number, field: 'access' | 'refresh') =>
  `token:${portalId}:${userId}:${field}`;

/** The stored columns of a new access token (ciphertext, lookup hash, advisory expiry). */
export function accessTokenColumns(
  cipher: TokenCipher,
  portalId: string,
  userId: number,
  accessToken: string,
  expiresAt: Date | null,
) {
  return {
    accessTokenEnc: cipher.encrypt(accessToken, tokenContext(portalId, userId, 'access')),
    accessTokenHash: sha256Hex(accessToken),
    accessExpiresAt: expiresAt,
  };
}
