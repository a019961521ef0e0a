import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/**
 * A random key made on first start and kept outside the database (`modules/keys/`), so every process of
 * one installation (API, workers, CLI) commits and pseudonymises alike, and a database dump cannot
 * recompute a commitment. Used for keyed hashes only, never for encryption.
 */
export class AppSecret {
  /** A KeyObject rather than the bytes: each HMAC then skips importing the key (a third of its cost). */
  readonly #key: KeyObject;

  private constructor(key: Buffer) {
    this.#key = createSecretKey(key);
  }

  /** The installation's secret, from `AUDIT_KEYS_DIR/app-secret` or APP_SECRET (`modules/keys/open-keys.ts`). */
  static fromBytes(key: Buffer): AppSecret {
    return new AppSecret(key);
  }

  /** HMAC-SHA256 of `purpose` and `value`, hex. Purposes keep one use's hashes useless for another. */
  mac(purpose: string, value: string): string {
    return createHmac('sha256', this.#key).update(`${purpose}\u0000${value}`).digest('hex');
  }

  /** A stable, unguessable pseudonym for a portal user ("Anonymous 7F3A"). */
  pseudonymFor(userId: number): string {
    return `Anonymous ${this.mac('pseudonym', String(userId)).slice(0, 4).toUpperCase()}`;
  }

  /** What this system stores instead of a user id once the user is erased or anonymised. */
  pseudonymousId(userId: number): string {
    return `anon:${this.mac('subject', String(userId)).slice(0, 16)}`;
  }
}
