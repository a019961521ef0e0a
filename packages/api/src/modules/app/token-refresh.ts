import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import {
  Bitrix24AuthError,
  type OAuthGrant,
  type TokenResponse,
  transportError,
} from '../../bitrix24/index.ts';
import type { InstalledPortal } from './app-portals.ts';
import { AppUserToken } from './app-user-token.entity.ts';
import { type ClientCredentials, requestRefresh, TOKEN_REQUEST_TIMEOUT_MS } from './oauth-server.ts';
import type { TokenCipher } from './token-cipher.ts';
import { accessTokenColumns, tokenContext } from './token-fields.ts';

/** A claim outlives the token request's own time-out, so a live claimant always finishes within it. */
export const REFRESH_CLAIM_MS = TOKEN_REQUEST_TIMEOUT_MS + 15_000;
/** Pauses between looks at a row another process is refreshing (the last one repeats). */
const WAIT_STEPS_MS = [10, 20, 40, 80, 160, 250];
/** Enough looks to outlast a lapsed claim, whose row we then claim ourselves. */
const MAX_LOOKS = Math.ceil((2 * REFRESH_CLAIM_MS) / 250) + WAIT_STEPS_MS.length;

export type RefreshOutcome = { grant: OAuthGrant } | { dead: string };

export interface TokenRefreshDeps {
  orm: MikroORM;
  cipher: TokenCipher;
  credentials: () => ClientCredentials | null;
  tokenUrl: (portal: InstalledPortal) => string;
  /** The product's clock, for `refreshedAt` and the advisory expiry (claims run on wall time). */
  now: () => number;
}

type Row = AppUserToken;

/**
 * One user's refresh across processes, without holding a database lock while the authorization server
 * answers (on the embedded PGlite every other query of every connection would wait behind it, up to the
 * token request's 30 s time-out). Three short statements instead:
 * 1. **Claim**: one conditional UPDATE sets `refresh_claim` on the row still at the version read, when no
 *    live claim is there. The winner asks the token server; the others look at the row every few
 *    milliseconds until its version moves and then use what is stored: one `/oauth/token/` call however
 *    many processes were refused at once.
 * 2. **Save** (compare-and-swap): the new pair is written only over the version the claim was made on, and
 *    the version is bumped. A frame that stored a newer pair meanwhile wins; our pair still serves this call.
 * 3. **Dead** only when the refresh token that got `invalid_grant` is still the stored one (the same
 *    version): a process whose claim lapsed mid-call, or that lost a race with a frame, re-reads and uses
 *    the token someone else stored instead of killing it.
 * A claimant that dies leaves a claim that lapses after `REFRESH_CLAIM_MS`; then the next one claims.
 */
export class TokenRefresher {
  readonly #d: TokenRefreshDeps;

  constructor(deps: TokenRefreshDeps) {
    this.#d = deps;
  }

  /** The grant to repeat a call with after the portal refused `rejected`, or why the user's token is dead. */
  async refresh(portal: InstalledPortal, rejected: OAuthGrant): Promise<RefreshOutcome> {
    const claim = randomUUID();
    for (let look = 0; look < MAX_LOOKS; look++) {
      const row = await this.#read(portal, rejected.userId);
      if (!row || row.state === 'dead') return { dead: row?.deadReason ?? 'no token' };
      const stored = this.#access(portal, row);
      // Refreshed meanwhile (another process, or a frame brought a new token): use that one.
      if (stored !== rejected.accessToken) return { grant: { ...rejected, accessToken: stored } };
      if (!row.refreshTokenEnc) {
        const reason = 'no refresh token was handed over';
        if (await this.#markDead(row, reason)) return { dead: reason };
        continue;
      }
      if (await this.#claim(row, claim)) return this.#refreshClaimed(portal, row, claim, rejected);
      await new Promise((resolve) =>
        setTimeout(resolve, WAIT_STEPS_MS[Math.min(look, WAIT_STEPS_MS.length - 1)]),
      );
    }
    throw transportError(
      'TIMEOUT',
      'oauth/token',
      `user ${rejected.userId}: another process kept refreshing this token past its claim`,
    );
  }

  async #refreshClaimed(
    portal: InstalledPortal,
    row: Row,
    claim: string,
    rejected: OAuthGrant,
  ): Promise<RefreshOutcome> {
    const credentials = this.#d.credentials();
    if (!credentials) {
      await this.#release(row, claim);
      throw new Bitrix24AuthError({
        code: 'NO_AUTH_FOUND',
        description: 'the application keys are not configured',
        method: 'oauth',
      });
    }
    const refreshToken = this.#d.cipher.decrypt(
      row.refreshTokenEnc as string,
      tokenContext(portal.id, row.userId, 'refresh'),
    );
    let answer: TokenResponse;
    try {
      answer = await requestRefresh(this.#d.tokenUrl(portal), credentials, refreshToken);
    } catch (error) {
      if (error instanceof Bitrix24AuthError && error.code === 'invalid_grant') {
        const reason = 'invalid_grant: the refresh token was revoked, used or has expired';
        if (await this.#markDead(row, reason)) return { dead: reason };
        // The stored pair changed while we asked: someone else's refresh (or a frame) is the live one.
        return this.#afterLostRace(portal, row, claim, rejected);
      }
      await this.#release(row, claim);
      throw error;
    }
    const grant = { ...rejected, accessToken: answer.access_token };
    if (await this.#save(portal, row, answer)) return { grant };
    // A frame stored a newer pair meanwhile: that one stays; ours is valid too and serves this call.
    const now = await this.#read(portal, row.userId);
    await this.#release(row, claim);
    // Unless the row was marked dead meanwhile (a lapsed claim's straggler): our fresh pair revives it.
    if (now?.state === 'dead') await this.#save(portal, now, answer);
    return { grant };
  }

  async #afterLostRace(
    portal: InstalledPortal,
    row: Row,
    claim: string,
    rejected: OAuthGrant,
  ): Promise<RefreshOutcome> {
    await this.#release(row, claim);
    const now = await this.#read(portal, row.userId);
    if (!now || now.state === 'dead') return { dead: now?.deadReason ?? 'no token' };
    return { grant: { ...rejected, accessToken: this.#access(portal, now) } };
  }

  #read(portal: InstalledPortal, userId: number): Promise<Row | null> {
    return this.#d.orm.em.fork().findOne(AppUserToken, { portalId: portal.id, userId });
  }

  #access(portal: InstalledPortal, row: Row): string {
    return this.#d.cipher.decrypt(row.accessTokenEnc, tokenContext(portal.id, row.userId, 'access'));
  }

  async #claim(row: Row, claim: string): Promise<boolean> {
    // Wall time, not the product's (settable) clock: a claim is about how long an HTTP call may take.
    const now = new Date();
    const claimed = await this.#d.orm.em.fork().nativeUpdate(
      AppUserToken,
      {
        id: row.id,
        refreshVersion: row.refreshVersion,
        $or: [{ refreshClaimedUntil: null }, { refreshClaimedUntil: { $lt: now } }],
      },
      { refreshClaim: claim, refreshClaimedUntil: new Date(now.getTime() + REFRESH_CLAIM_MS) },
    );
    return claimed === 1;
  }

  async #release(row: Row, claim: string): Promise<void> {
    await this.#d.orm.em
      .fork()
      .nativeUpdate(
        AppUserToken,
        { id: row.id, refreshClaim: claim },
        { refreshClaim: null, refreshClaimedUntil: null },
      );
  }

  /** Writes the new pair over `row`'s version (and clears any claim); false when the row moved on. */
  async #save(portal: InstalledPortal, row: Row, answer: TokenResponse): Promise<boolean> {
    const now = new Date(this.#d.now());
    const saved = await this.#d.orm.em.fork().nativeUpdate(
      AppUserToken,
      { id: row.id, refreshVersion: row.refreshVersion },
      {
        ...accessTokenColumns(
          this.#d.cipher,
          portal.id,
          row.userId,
          answer.access_token,
          new Date(now.getTime() + (answer.expires_in ?? 3600) * 1000),
        ),
        refreshTokenEnc: this.#d.cipher.encrypt(
          answer.refresh_token,
          tokenContext(portal.id, row.userId, 'refresh'),
        ),
        refreshVersion: row.refreshVersion + 1,
        refreshClaim: null,
        refreshClaimedUntil: null,
        state: 'usable',
        deadReason: null,
        refreshedAt: now,
        updatedAt: now,
      },
    );
    return saved === 1;
  }

  /** Marks the row dead if it still holds the refresh token that was refused (same version). */
  async #markDead(row: Row, reason: string): Promise<boolean> {
    const marked = await this.#d.orm.em.fork().nativeUpdate(
      AppUserToken,
      { id: row.id, refreshVersion: row.refreshVersion },
      {
        state: 'dead',
        deadReason: reason,
        refreshVersion: row.refreshVersion + 1,
        refreshClaim: null,
        refreshClaimedUntil: null,
        updatedAt: new Date(this.#d.now()),
      },
    );
    return marked === 1;
  }
}
