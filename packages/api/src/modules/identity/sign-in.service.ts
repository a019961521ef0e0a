import { type EntityManager, LockMode } from '@mikro-orm/core';
import type { Logger } from '../../config/logger.ts';
import { InvalidInputError, InvalidSignInCodeError, RateLimitedError } from '../../errors.ts';
import type { PortalDirectory } from '../portal/portal-directory.ts';
import { parseLogin } from './login.ts';
import { constantTimeEqualHex, generateSignInCode, sha256Hex } from './secrets.ts';
import { SignInCode } from './sign-in-code.entity.ts';
import { SignInRequest } from './sign-in-request.entity.ts';
import type { IssuedToken, TokenService } from './token.service.ts';

export const SIGN_IN_LIMITS = {
  codeTtlMs: 10 * 60_000,
  maxFailedAttempts: 5,
  windowMs: 15 * 60_000,
  perLoginPerWindow: 3,
  perIpPerWindow: 20,
} as const;

export interface SignInResult extends IssuedToken {
  userId: number;
}

/** Runs inside the transaction that issues the token (the audit event of the sign-in). */
export type OnSignedIn = (tx: EntityManager, result: SignInResult) => Promise<void>;

/**
 * Runs inside the transaction that counts a code request (its audit event). It gets the normalised login,
 * never whether it belongs to anyone: that is only known after the reply.
 */
export type OnCodeRequested = (tx: EntityManager, normalisedLogin: string) => Promise<void>;

/** Runs inside the transaction that stores a new code, after the reply (the audit event of the delivery). */
export type OnCodeIssued = (tx: EntityManager, userId: number) => Promise<void>;

/**
 * Sign-in with no administrator in the loop: a 6-digit code goes to the user as a Bitrix24 notification.
 * Answers never reveal whether a login exists: the same reply, the same limits, and the portal call runs
 * after the reply so its latency does not leak either.
 */
export class SignInService {
  readonly #directory: PortalDirectory;
  readonly #tokens: TokenService;
  readonly #logger: Logger;
  readonly #limits: typeof SIGN_IN_LIMITS;
  readonly #onCodeIssued: OnCodeIssued | null;

  constructor(
    directory: PortalDirectory,
    tokens: TokenService,
    logger: Logger,
    limits = SIGN_IN_LIMITS,
    onCodeIssued: OnCodeIssued | null = null,
  ) {
    this.#directory = directory;
    this.#tokens = tokens;
    this.#logger = logger;
    this.#limits = limits;
    this.#onCodeIssued = onCodeIssued;
  }

  async requestCode(
    em: EntityManager,
    rawLogin: string,
    ip: string,
    now = new Date(),
    onRequested?: OnCodeRequested,
  ): Promise<{ expiresInSeconds: number }> {
    const login = parseLogin(rawLogin);
    const loginHash = sha256Hex(login.normalised);
    const since = new Date(now.getTime() - this.#limits.windowMs);
    const [perLogin, perIp] = await Promise.all([
      em.count(SignInRequest, { loginHash, createdAt: { $gt: since } }),
      em.count(SignInRequest, { ip, createdAt: { $gt: since } }),
    ]);
    if (perLogin >= this.#limits.perLoginPerWindow || perIp >= this.#limits.perIpPerWindow) {
      throw new RateLimitedError(
        'Too many code requests. Wait a few minutes and try again.',
        this.#limits.windowMs / 1000,
      );
    }
    await em.transactional(async (tx) => {
      tx.create(SignInRequest, { loginHash, ip });
      await tx.flush();
      await onRequested?.(tx, login.normalised);
    });
    // Deliberately not awaited: the reply must not depend on whether the user exists.
    void this.#deliverCode(em.fork(), rawLogin, now).catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'could not deliver a sign-in code');
    });
    return { expiresInSeconds: this.#limits.codeTtlMs / 1000 };
  }

  /** Runs after the reply; failures are logged, and the user simply asks again. */
  async #deliverCode(em: EntityManager, rawLogin: string, now: Date): Promise<void> {
    const user = await this.#directory.findUserByLogin(rawLogin);
    if (!user) return;
    const code = generateSignInCode();
    await em.transactional(async (tx) => {
      // A new code replaces any earlier one, so only the newest message in the user's notifications works.
      await tx.nativeUpdate(
        SignInCode,
        { userId: user.id, consumedAt: null, burnedAt: null },
        { burnedAt: now },
      );
      tx.create(SignInCode, {
        userId: user.id,
        codeHash: sha256Hex(code),
        expiresAt: new Date(now.getTime() + this.#limits.codeTtlMs),
      });
      await tx.flush();
      await this.#onCodeIssued?.(tx, user.id);
    });
    await this.#directory.notify(
      user.id,
      `Your b24-gdpr sign-in code is ${code}. It expires in ${this.#limits.codeTtlMs / 60_000} minutes. ` +
        'If you did not ask for it, ignore this message: nobody can sign in without the code.',
    );
  }

  async signIn(
    em: EntityManager,
    rawLogin: string,
    rawCode: string,
    now = new Date(),
    onSignedIn?: OnSignedIn,
  ): Promise<SignInResult> {
    parseLogin(rawLogin);
    const code = rawCode.trim();
    if (!/^\d{6}$/.test(code))
      throw new InvalidInputError('code', 'The code is the six digits from the notification.');
    const user = await this.#directory.findUserByLogin(rawLogin);
    if (!user) throw new InvalidSignInCodeError();
    const outcome = await em.transactional(async (tx) => {
      const current = await tx.findOne(
        SignInCode,
        { userId: user.id, consumedAt: null, burnedAt: null, expiresAt: { $gt: now } },
        { orderBy: { createdAt: 'desc' }, lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!current) return null;
      if (!constantTimeEqualHex(current.codeHash, sha256Hex(code))) {
        current.failedAttempts += 1;
        if (current.failedAttempts >= this.#limits.maxFailedAttempts) current.burnedAt = now;
        return null;
      }
      current.consumedAt = now;
      const issued = await this.#tokens.issueUserToken(
        tx,
        user.id,
        `Signed in ${now.toISOString().slice(0, 16)}Z`,
        user.id,
      );
      await onSignedIn?.(tx, { ...issued, userId: user.id });
      return issued;
    });
    if (!outcome) throw new InvalidSignInCodeError();
    return { ...outcome, userId: user.id };
  }
}
