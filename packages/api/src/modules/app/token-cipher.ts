import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A stored secret that does not open with this key (a wrong key, or a value moved to another row). */
export class TokenCipherError extends Error {
  override name = 'TokenCipherError';
}

/**
 * AES-256-GCM for the portal tokens we keep (access, refresh, application token). Each value is bound to
 * where it belongs by the additional data (portal, user, field): a ciphertext copied into another row or
 * column does not open. Stored as `v1.<iv>.<tag>.<ciphertext>` (base64url), so a dump shows no token.
 */
export class TokenCipher {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new TokenCipherError('the token encryption key must be 32 bytes');
    this.#key = Buffer.from(key);
  }

  encrypt(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(stored: string, context: string): string {
    const [version, iv, tag, body] = stored.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined)
      throw new TokenCipherError('not a value this cipher wrote');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new TokenCipherError('a stored token does not open with this key');
    }
  }

  toJSON(): string {
    return 'TokenCipher(***)';
  }
}
