import { LockMode, type MikroORM } from '@mikro-orm/core';
import { Bitrix24AuthError, type OAuthGrant, type OAuthSession } from '../../bitrix24/index.ts';
import type { Logger } from '../../config/logger.ts';
import { sha256Hex } from '../identity/secrets.ts';
import type { CredentialStatus } from '../portal/connect.ts';
import type { AppPortals, InstalledPortal } from './app-portals.ts';
import { AppUserToken } from './app-user-token.entity.ts';
import type { ClientCredentials } from './oauth-server.ts';
import type { TokenCipher } from './token-cipher.ts';
import { accessTokenColumns, tokenContext } from './token-fields.ts';
import { TokenRefresher } from './token-refresh.ts';

/** Tokens as the portal hands them over (install event, a frame, the token endpoint). */
export interface HandedTokens {
  accessToken: string;
  refreshToken: string | null;
  /** Seconds the access token lives (`expires_in`, `AUTH_EXPIRES`). */
  expiresIn: number | null;
}

export interface TokenStoreOptions {
  orm: MikroORM;
  cipher: TokenCipher;
  portals: AppPortals;
  /** The application's keys; null while unknown (the sandbox registers the app after start). */
  credentials: () => ClientCredentials | null;
  /** The authorization server's token URL: configuration's, never a portal's `server_endpoint`. */
  tokenUrl: string;
  logger: Logger;
  now?: () => number;
}

/**
 * Every user's OAuth tokens, encrypted at rest, and the one place they are refreshed. A refresh happens
 * only after the portal refused a token (the client asks `renew`), at most once however many callers ask:
 * callers in this process share one promise per (portal, user), and processes coordinate through the
 * token row without holding a lock across the token request (token-refresh.ts: a short claim, a
 * compare-and-swap on the row's version, `invalid_grant` fatal only for the refresh token still stored).
 */
export class TokenStore {
  readonly #o: TokenStoreOptions;
  readonly #now: () => number;
  /** Decrypted grants by `portal:user`, so a call costs no query; a stale one only costs a 401 and a re-read. */
  readonly #grants = new Map<string, OAuthGrant>();
  readonly #renewing = new Map<string, Promise<OAuthGrant>>();
  /** Users of the installed portal this process knows a usable token of (PortalConnection.asUser is synchronous). */
  readonly #usable = new Set<number>();

  readonly #refresher: TokenRefresher;

  constructor(options: TokenStoreOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#refresher = new TokenRefresher({
      orm: options.orm,
      cipher: options.cipher,
      credentials: options.credentials,
      tokenUrl: (portal) => this.tokenUrl(portal),
      now: this.#now,
    });
  }

  /** Stores what the portal handed over for `userId` (a new pair replaces the old one, and revives a dead row). */
  async save(portal: InstalledPortal, userId: number, tokens: HandedTokens): Promise<void> {
    const key = `${portal.id}:${userId}`;
    const known = this.#grants.get(key);
    // Every page view of every user brings the background frame: the same token again costs nothing.
    if (known?.accessToken === tokens.accessToken && known.clientEndpoint === portal.clientEndpoint) return;
    const em = this.#o.orm.em.fork();
    const now = new Date(this.#now());
    const fields = {
      ...accessTokenColumns(
        this.#o.cipher,
        portal.id,
        userId,
        tokens.accessToken,
        tokens.expiresIn ? new Date(now.getTime() + tokens.expiresIn * 1000) : null,
      ),
      receivedAt: now,
      state: 'usable' as const,
      deadReason: null,
    };
    await em.transactional(async (tx) => {
      const row = await tx.findOne(
        AppUserToken,
        { portalId: portal.id, userId },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const refreshTokenEnc = tokens.refreshToken
        ? this.#o.cipher.encrypt(tokens.refreshToken, tokenContext(portal.id, userId, 'refresh'))
        : (row?.refreshTokenEnc ?? null);
      // A new version: a refresh under way saves over the old one no more (token-refresh.ts).
      if (row) tx.assign(row, { ...fields, refreshTokenEnc, refreshVersion: row.refreshVersion + 1 });
      else tx.create(AppUserToken, { portalId: portal.id, userId, ...fields, refreshTokenEnc });
    });
    this.#grants.set(key, { clientEndpoint: portal.clientEndpoint, accessToken: tokens.accessToken, userId });
    this.#usable.add(userId);
  }

  knownUsable(userId: number): boolean {
    return this.#usable.has(userId);
  }

  /** The user whose token this is, if we hold it (frames bring tokens we already know on every page). */
  async userOfToken(portal: InstalledPortal, accessToken: string): Promise<number | null> {
    for (const grant of this.#grants.values())
      if (grant.accessToken === accessToken && grant.clientEndpoint === portal.clientEndpoint)
        return grant.userId;
    const row = await this.#o.orm.em.fork().findOne(AppUserToken, {
      portalId: portal.id,
      accessTokenHash: sha256Hex(accessToken),
      state: 'usable',
    });
    return row?.userId ?? null;
  }

  async status(portalId: string, userId: number): Promise<CredentialStatus> {
    const row = await this.#o.orm.em.fork().findOne(AppUserToken, { portalId, userId });
    if (!row)
      return {
        state: 'missing',
        reason: `user ${userId} has not opened the portal since the application was installed, so we hold no token of theirs`,
      };
    if (row.state === 'dead')
      return {
        state: 'dead',
        reason: `the portal refused user ${userId}'s token (${row.deadReason ?? 'invalid_grant'}); they must open the portal again`,
      };
    return { state: 'usable' };
  }

  async usableUserIds(portalId: string): Promise<number[]> {
    const rows = await this.#o.orm.em
      .fork()
      .find(AppUserToken, { portalId, state: 'usable' }, { fields: ['userId'], orderBy: { userId: 'asc' } });
    for (const row of rows) this.#usable.add(row.userId);
    return rows.map((r) => r.userId);
  }

  /** Deletes every token of a portal (uninstall); answers how many there were. */
  async deleteAll(portalId: string): Promise<number> {
    for (const key of this.#grants.keys()) if (key.startsWith(`${portalId}:`)) this.#grants.delete(key);
    this.#usable.clear();
    return this.#o.orm.em.fork().nativeDelete(AppUserToken, { portalId });
  }

  /**
   * The session of one user, or of whoever `userId()` names when a call starts (the administrator's
   * client follows the installer, then another administrator seen, when one's token dies).
   */
  session(userId: number | (() => Promise<number>), label: string): OAuthSession {
    const who = typeof userId === 'number' ? async () => userId : userId;
    return {
      label,
      acquire: async () => this.#acquire(await who()),
      renew: (rejected) => this.#renew(rejected),
    };
  }

  async #acquire(userId: number): Promise<OAuthGrant> {
    const portal = await this.#o.portals.current();
    if (!portal)
      throw new Bitrix24AuthError({
        code: 'NO_AUTH_FOUND',
        description: 'the application is not installed on a portal',
        method: 'oauth',
      });
    const key = `${portal.id}:${userId}`;
    const known = this.#grants.get(key);
    if (known && known.clientEndpoint === portal.clientEndpoint) return known;
    const row = await this.#o.orm.em.fork().findOne(AppUserToken, { portalId: portal.id, userId });
    if (!row || row.state === 'dead') {
      this.#usable.delete(userId);
      throw new Bitrix24AuthError({
        code: row ? 'invalid_grant' : 'NO_AUTH_FOUND',
        description: row ? `the token of user ${userId} is dead` : `no token of user ${userId}`,
        method: 'oauth',
      });
    }
    const grant = {
      clientEndpoint: portal.clientEndpoint,
      accessToken: this.#o.cipher.decrypt(row.accessTokenEnc, tokenContext(portal.id, userId, 'access')),
      userId,
    };
    this.#grants.set(key, grant);
    this.#usable.add(userId);
    return grant;
  }

  #renew(rejected: OAuthGrant): Promise<OAuthGrant> {
    // One refresh per (portal, user) in this process; the client endpoint names the portal.
    const key = `${rejected.clientEndpoint}:${rejected.userId}`;
    const running = this.#renewing.get(key);
    if (running) return running;
    const renewal = this.#renewShared(rejected).finally(() => this.#renewing.delete(key));
    this.#renewing.set(key, renewal);
    return renewal;
  }

  async #renewShared(rejected: OAuthGrant): Promise<OAuthGrant> {
    const portal = await this.#o.portals.current();
    if (!portal || portal.clientEndpoint !== rejected.clientEndpoint)
      throw new Bitrix24AuthError({
        code: 'NO_AUTH_FOUND',
        description: 'the portal is no longer installed',
        method: 'oauth',
      });
    const { userId } = rejected;
    const cacheKey = `${portal.id}:${userId}`;
    this.#grants.delete(cacheKey);
    const outcome = await this.#refresher.refresh(portal, rejected);
    if ('dead' in outcome) {
      this.#usable.delete(userId);
      this.#o.logger.warn({ userId }, 'a user token is dead; they must open the portal again');
      throw new Bitrix24AuthError({
        code: 'invalid_grant',
        description: `user ${userId}: ${outcome.dead}`,
        method: 'oauth/token',
      });
    }
    this.#grants.set(cacheKey, outcome.grant);
    return outcome.grant;
  }

  tokenUrl(_portal: InstalledPortal): string {
    return this.#o.tokenUrl;
  }

  /** Forgets decrypted tokens kept in memory (after an uninstall). */
  forget(): void {
    this.#grants.clear();
    this.#usable.clear();
  }
}
