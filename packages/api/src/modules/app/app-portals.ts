import type { MikroORM } from '@mikro-orm/core';
import { applicationTokenMatches } from '../portal-events/application-token.ts';
import { AppPortal } from './app-portal.entity.ts';
import type { TokenCipher } from './token-cipher.ts';

/** What calls need of the installed portal; the application token stays encrypted until it is compared. */
export interface InstalledPortal {
  id: string;
  memberId: string;
  domain: string;
  clientEndpoint: string;
  serverEndpoint: string;
  installedBy: number | null;
  scopes: readonly string[];
}

const CACHE_MS = 5_000;

export const applicationTokenContext = (portalId: string) => `portal:${portalId}:application_token`;

/**
 * The portal this installation serves. The product works on one portal (PortalConnection); a Market
 * app's server would hold one per `member_id`, and the tables are keyed so, but the connection uses the
 * portal installed last. Read from the database (a worker or the CLI sees what the API's install handler
 * wrote) and kept a few seconds; `forget()` after an install or uninstall in this process.
 */
export class AppPortals {
  readonly #orm: MikroORM;
  readonly #cipher: TokenCipher;
  readonly #now: () => number;
  #cached: { portal: InstalledPortal | null; until: number } | undefined;
  /** The portal as last read (for names shown synchronously, e.g. the connection's domain). */
  lastKnown: InstalledPortal | null = null;

  constructor(orm: MikroORM, cipher: TokenCipher, now: () => number = Date.now) {
    this.#orm = orm;
    this.#cipher = cipher;
    this.#now = now;
  }

  async current(): Promise<InstalledPortal | null> {
    const now = this.#now();
    if (this.#cached && this.#cached.until > now) return this.#cached.portal;
    const row = await this.#orm.em
      .fork()
      .findOne(AppPortal, { state: 'installed' }, { orderBy: { installedAt: 'desc' } });
    const portal = row ? toInstalled(row) : null;
    this.#cached = { portal, until: now + CACHE_MS };
    this.lastKnown = portal;
    return portal;
  }

  /** The installed portal of `member_id`, if its application token is `given` (constant time). */
  async verified(memberId: string, given: string): Promise<InstalledPortal | null> {
    const row = await this.#orm.em.fork().findOne(AppPortal, { memberId, state: 'installed' });
    if (!row) return null;
    return this.tokenMatches(row, given) ? toInstalled(row) : null;
  }

  /** The installed portal of `member_id` (frames carry no application token; AUTH_ID proves them). */
  async byMemberId(memberId: string): Promise<InstalledPortal | null> {
    const row = await this.#orm.em.fork().findOne(AppPortal, { memberId, state: 'installed' });
    return row ? toInstalled(row) : null;
  }

  tokenMatches(row: AppPortal, given: string): boolean {
    return applicationTokenMatches(
      given,
      this.#cipher.decrypt(row.applicationTokenEnc, applicationTokenContext(row.id)),
    );
  }

  /** The installed portal's application token, for the Live Feed event route (portal-events). */
  async applicationToken(): Promise<string | null> {
    const portal = await this.current();
    if (!portal) return null;
    const row = await this.#orm.em.fork().findOne(AppPortal, { id: portal.id });
    return row ? this.#cipher.decrypt(row.applicationTokenEnc, applicationTokenContext(row.id)) : null;
  }

  forget(): void {
    this.#cached = undefined;
  }
}

export function toInstalled(row: AppPortal): InstalledPortal {
  return {
    id: row.id,
    memberId: row.memberId,
    domain: row.domain,
    clientEndpoint: row.clientEndpoint,
    serverEndpoint: row.serverEndpoint,
    installedBy: row.installedBy ?? null,
    scopes: row.scopes,
  };
}
