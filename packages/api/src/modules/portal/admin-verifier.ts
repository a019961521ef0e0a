import type { Bitrix24Client } from '../../bitrix24/index.ts';

/** Bitrix24 answers `user.admin` only for the caller, so each administrator is asked through their own webhook. */
export type AdminCredentials = (userId: number) => Promise<Bitrix24Client | undefined>;

const TTL_MS = 60_000;

/** Who is an administrator, asked of the portal (cached briefly); webhook and app mode each have one. */
export interface AdminCheck {
  isAdmin(userId: number): Promise<boolean>;
  /** Asked when an administrators' field would be refused on a cached "no" (application mode). */
  recheck?(userId: number): Promise<boolean>;
  forget(userId?: number): void;
}

/**
 * Fails safe: no credential, a webhook that turns out to belong to someone else, or an unreachable
 * portal all mean "not an administrator". Positive and negative answers are cached for a minute,
 * so revoking admin rights in the portal takes effect here within that time.
 */
export class AdminVerifier implements AdminCheck {
  readonly #credentials: AdminCredentials;
  readonly #cache = new Map<number, { admin: boolean; until: number }>();

  constructor(credentials: AdminCredentials) {
    this.#credentials = credentials;
  }

  async isAdmin(userId: number, now = Date.now()): Promise<boolean> {
    const cached = this.#cache.get(userId);
    if (cached && cached.until > now) return cached.admin;
    try {
      const client = await this.#credentials(userId);
      if (!client) return false;
      const [current, admin] = await Promise.all([
        client.call('user.current', {}),
        client.call('user.admin', {}),
      ]);
      const verified = Number(current.ID) === userId && admin === true;
      this.#cache.set(userId, { admin: verified, until: now + TTL_MS });
      return verified;
    } catch {
      return false;
    }
  }

  forget(userId?: number): void {
    if (userId === undefined) this.#cache.clear();
    else this.#cache.delete(userId);
  }
}
