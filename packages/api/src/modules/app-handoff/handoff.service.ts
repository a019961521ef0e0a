import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { HANDOFF_CHALLENGE_PATTERN, HANDOFF_CODE_PATTERN, HANDOFF_VERIFIER_PATTERN } from '@b24-gdpr/shared';
import type { EntityManager } from '@mikro-orm/core';
import { InvalidInputError, PolicyRefusedError, RateLimitedError } from '../../errors.ts';
import { sha256Hex } from '../identity/secrets.ts';
import type { IssuedToken, TokenService } from '../identity/token.service.ts';
import { AppHandoff } from './app-handoff.entity.ts';

/** How long the extension has from registering its challenge to exchanging the code. */
export const HANDOFF_TTL_MS = 5 * 60_000;
const CODE_PREFIX = 'b24h_';
const RETAIN_MS = 24 * 60 * 60_000;
/** Registrations per address and window (sign-in codes allow 20 per address in 15 minutes too). */
export const HANDOFF_LIMIT = { windowMs: 15 * 60_000, perAddress: 20 };

/** Why a handoff step was refused; the same words whatever the cause, so they tell an attacker nothing. */
export const HANDOFF_REFUSED = 'APP_HANDOFF_REFUSED';
const refused = () =>
  new PolicyRefusedError(
    HANDOFF_REFUSED,
    'This sign-in is unknown, used or expired. Start it again from the extension.',
  );

const base64url = (bytes: Buffer) => bytes.toString('base64url');
/** RFC 7636 S256: BASE64URL(SHA256(ASCII(verifier))). */
export const challengeOf = (verifier: string): string =>
  base64url(createHash('sha256').update(verifier, 'ascii').digest());

export interface BoundHandoff {
  portalId: string;
  userId: number;
}

/**
 * The three steps of the extension's sign-in through the app page. Each step is one conditional
 * UPDATE, so two processes (or a replayed request) can never both succeed at the same step.
 */
export class HandoffService {
  readonly #tokens: TokenService;

  constructor(tokens: TokenService) {
    this.#tokens = tokens;
  }

  /**
   * Step 1, the extension's background (its origin checked by the caller): registers the challenge.
   * It needs no token, so registrations are limited per address, as sign-in codes are.
   */
  async begin(
    em: EntityManager,
    portalId: string,
    challenge: string,
    ip: string,
    now = new Date(),
  ): Promise<AppHandoff> {
    if (!HANDOFF_CHALLENGE_PATTERN.test(challenge))
      throw new InvalidInputError(
        'challenge',
        'The challenge is base64url(SHA-256(verifier)), 43 characters.',
      );
    const requestedFrom = ip.slice(0, 64);
    const recent = await em.count(AppHandoff, {
      requestedFrom,
      createdAt: { $gt: new Date(now.getTime() - HANDOFF_LIMIT.windowMs) },
    });
    if (recent >= HANDOFF_LIMIT.perAddress)
      throw new RateLimitedError(
        'Too many sign-ins through the app page from this address; try again later.',
        HANDOFF_LIMIT.windowMs / 1000,
      );
    // Rows outlive their use by a day at most (a sign-in that went wrong can still be looked at).
    await em.nativeDelete(AppHandoff, { expiresAt: { $lt: new Date(now.getTime() - RETAIN_MS) } });
    if (await em.count(AppHandoff, { challenge })) throw refused();
    const handoff = em.create(AppHandoff, {
      portalId,
      requestedFrom,
      challenge,
      expiresAt: new Date(now.getTime() + HANDOFF_TTL_MS),
      userId: null,
      codeHash: null,
      usedAt: null,
    });
    await em.flush();
    return handoff;
  }

  /**
   * Step 2, the app frame (its user verified by the portal): binds the user to a challenge the
   * extension registered for this portal and returns the one-time code. A challenge nobody
   * registered (a portal page's script posting its own) gets nothing.
   */
  async issueCode(
    em: EntityManager,
    frame: BoundHandoff,
    challenge: string,
    now = new Date(),
  ): Promise<string> {
    if (!HANDOFF_CHALLENGE_PATTERN.test(challenge)) throw refused();
    const code = `${CODE_PREFIX}${base64url(randomBytes(32))}`;
    const bound = await em.nativeUpdate(
      AppHandoff,
      {
        challenge,
        portalId: frame.portalId,
        userId: null,
        codeHash: null,
        usedAt: null,
        expiresAt: { $gt: now },
      },
      { userId: frame.userId, codeHash: sha256Hex(code), updatedAt: now },
    );
    if (bound !== 1) throw refused();
    return code;
  }

  /**
   * Step 3, the extension's background: code + verifier → an API token for the bound user. The code
   * is spent by the first attempt, right or wrong.
   */
  async exchange(
    em: EntityManager,
    code: string,
    verifier: string,
    label: string,
    now = new Date(),
    onIssued?: (tx: EntityManager, issued: IssuedToken & BoundHandoff) => Promise<void>,
  ): Promise<IssuedToken & BoundHandoff> {
    if (!HANDOFF_CODE_PATTERN.test(code) || !HANDOFF_VERIFIER_PATTERN.test(verifier)) throw refused();
    return em
      .transactional(async (tx) => {
        const codeHash = sha256Hex(code);
        const spent = await tx.nativeUpdate(
          AppHandoff,
          { codeHash, usedAt: null, expiresAt: { $gt: now } },
          { usedAt: now, updatedAt: now },
        );
        if (spent !== 1) throw refused();
        const handoff = await tx.findOneOrFail(AppHandoff, { codeHash });
        const expected = Buffer.from(handoff.challenge);
        const presented = Buffer.from(challengeOf(verifier));
        if (
          expected.length !== presented.length ||
          !timingSafeEqual(expected, presented) ||
          !handoff.userId
        ) {
          // Committed as spent even so: the code cannot be tried again with another verifier.
          return null;
        }
        const issued = await this.#tokens.issueUserToken(tx, handoff.userId, label, handoff.userId);
        const result = { ...issued, portalId: handoff.portalId, userId: handoff.userId };
        await onIssued?.(tx, result);
        return result;
      })
      .then((result) => {
        if (!result) throw refused();
        return result;
      });
  }
}
