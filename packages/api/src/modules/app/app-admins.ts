import type { MikroORM } from '@mikro-orm/core';
import { type Bitrix24Client, Bitrix24Error } from '../../bitrix24/index.ts';
import type { AdminCheck } from '../portal/admin-verifier.ts';
import { AppAdmin } from './app-admin.entity.ts';
import type { AppPortals } from './app-portals.ts';

export interface AppAdminsOptions {
  orm: MikroORM;
  portals: AppPortals;
  /** The user's own client (their token), or undefined when we hold none. */
  clientOf: (userId: number) => Promise<Bitrix24Client | undefined>;
  /** How long an answer stands (APP_ADMIN_RECHECK_SECONDS: at most a minute, as the issue asks). */
  ttlMs: number;
  now?: () => number;
}

/** How often a refused caller makes us ask the portal again (`recheck`). */
const RECHECK_MS = 5_000;

/**
 * Administrator rights from the platform: `profile.ADMIN` asked with the user's **own** token (the only
 * way: `user.admin` and `profile` answer for the caller, and nothing lists a portal's administrators,
 * BITRIX24-APPS.md §2). Asked at sign-in and again on use once the last answer is older than the TTL, so
 * a revoked administrator loses the role within it. Every answer is written to `app_admin`, the table of
 * administrators seen that the console shows. Fails safe: no token, a dead one, or an unreachable portal
 * mean "not an administrator" (and the stored row keeps its last answer).
 */
export class AppAdmins implements AdminCheck {
  readonly #o: AppAdminsOptions;
  readonly #now: () => number;
  readonly #cache = new Map<number, { admin: boolean; until: number }>();
  /** When each user was last asked again by `recheck` (at most once per RECHECK_MS). */
  readonly #rechecked = new Map<number, number>();

  constructor(options: AppAdminsOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  async isAdmin(userId: number): Promise<boolean> {
    const now = this.#now();
    const cached = this.#cache.get(userId);
    if (cached && cached.until > now) return cached.admin;
    const portal = await this.#o.portals.current();
    const client = portal ? await this.#o.clientOf(userId) : undefined;
    if (!portal || !client) return false;
    let admin: boolean;
    try {
      const profile = await client.call('profile');
      // A token that turned out to be someone else's proves nothing about this user.
      admin = Number(profile.ID) === userId && profile.ADMIN === true;
    } catch (error) {
      if (!(error instanceof Bitrix24Error)) throw error;
      return false;
    }
    await this.record(portal.id, userId, admin, now);
    return admin;
  }

  /**
   * A field for administrators is about to be refused because the cached answer says "not an
   * administrator": the user may have been made one since (the issue: "gets the admin role on next use").
   * Asks the portal once more, at most once per user every RECHECK_MS, so a refused caller cannot make us
   * ask on every request. Positive answers are never re-asked early: a revoked administrator still loses
   * the role within the TTL.
   */
  async recheck(userId: number): Promise<boolean> {
    const now = this.#now();
    const cached = this.#cache.get(userId);
    if (cached?.admin && cached.until > now) return true;
    if (now - (this.#rechecked.get(userId) ?? Number.NEGATIVE_INFINITY) < RECHECK_MS) return false;
    if (this.#rechecked.size > 10_000) this.#rechecked.clear();
    this.#rechecked.set(userId, now);
    this.#cache.delete(userId);
    return this.isAdmin(userId);
  }

  /** Stores an answer the portal gave (a frame's `profile` call also brings one). */
  async record(portalId: string, userId: number, admin: boolean, now = this.#now()): Promise<void> {
    this.#cache.set(userId, { admin, until: now + this.#o.ttlMs });
    const at = new Date(now);
    const em = this.#o.orm.em.fork();
    const row = await em.findOne(AppAdmin, { portalId, userId });
    if (!row) {
      // Only administrators are "seen": a plain employee gets no row.
      if (!admin) return;
      em.create(AppAdmin, { portalId, userId, admin, checkedAt: at, firstAdminAt: at, lastAdminAt: at });
    } else {
      em.assign(row, { admin, checkedAt: at, ...(admin ? { lastAdminAt: at } : {}) });
    }
    await em.flush();
  }

  /** Administrators seen on the installed portal, the current ones first. */
  async seen(): Promise<AppAdmin[]> {
    const portal = await this.#o.portals.current();
    if (!portal) return [];
    return this.#o.orm.em
      .fork()
      .find(AppAdmin, { portalId: portal.id }, { orderBy: { admin: 'desc', lastAdminAt: 'desc' } });
  }

  forget(userId?: number): void {
    if (userId === undefined) {
      this.#cache.clear();
      this.#rechecked.clear();
    } else {
      this.#cache.delete(userId);
      this.#rechecked.delete(userId);
    }
  }
}
