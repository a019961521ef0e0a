import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { SystemSetting } from '../../db/system-setting.entity.ts';

const KEY = 'app.secret';

/**
 * A random key made on first start and kept in the database, so every process of one installation
 * (API, workers, CLI) signs and pseudonymises alike. Used for keyed hashes only, never for encryption.
 */
export class AppSecret {
  /** A KeyObject rather than the bytes: each HMAC then skips importing the key (a third of its cost). */
  readonly #key: KeyObject;

  private constructor(key: Buffer) {
    this.#key = createSecretKey(key);
  }

  static async load(em: EntityManager): Promise<AppSecret> {
    const existing = await em.findOne(SystemSetting, { key: KEY });
    if (existing) return new AppSecret(Buffer.from(String(existing.value), 'base64'));
    // Two processes starting at once: the unique key lets one insert win; both then read the winner.
    try {
      const fork = em.fork();
      fork.create(SystemSetting, { key: KEY, value: randomBytes(32).toString('base64') });
      await fork.flush();
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
    }
    const row = await em.fork().findOneOrFail(SystemSetting, { key: KEY });
    return new AppSecret(Buffer.from(String(row.value), 'base64'));
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
