import type { EntityManager } from '@mikro-orm/core';
import type { PortalDirectory } from '../portal/portal-directory.ts';
import { AuditorGrant } from './auditor-grant.entity.ts';
import { anonymous, type IntegratorScope, type Principal, type Role } from './roles.ts';
import { sha256Hex } from './secrets.ts';
import type { TokenService } from './token.service.ts';

/**
 * What the database said about a token a moment ago: the live token and whether its user holds an auditor
 * grant. Kept a few seconds so a page of requests costs no token or grant query each; the portal's answers
 * (active, administrator) are not kept here but asked of the directory every time (it caches them itself).
 */
interface KnownToken {
  tokenId: string;
  kind: 'USER' | 'INTEGRATOR';
  userId: number | null;
  scopes: readonly string[];
  isAuditor: boolean;
  expires: number;
}

export interface PrincipalCacheOptions {
  /** How long a token lookup is reused; 0 turns the cache off. */
  ttlMs?: number;
  /** Most tokens remembered (least recently used go first). */
  max?: number;
  now?: () => number;
}

/** Turns an Authorization header into who is calling, re-checking with the portal what the token cannot prove. */
export class PrincipalService {
  readonly #tokens: TokenService;
  readonly #directory: PortalDirectory;
  readonly #known = new Map<string, KnownToken>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  /** Bumped by `forget`: a lookup that began before it does not store what it read. */
  #generation = 0;

  constructor(tokens: TokenService, directory: PortalDirectory, cache: PrincipalCacheOptions = {}) {
    this.#tokens = tokens;
    this.#directory = directory;
    this.#ttlMs = cache.ttlMs ?? 5_000;
    this.#max = cache.max ?? 1_000;
    this.#now = cache.now ?? Date.now;
  }

  async fromAuthorization(em: EntityManager, header: string | null): Promise<Principal> {
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match?.[1]) return anonymous;
    const known = await this.#lookup(em, match[1]);
    if (!known) return anonymous;
    if (known.kind === 'INTEGRATOR') {
      return {
        kind: 'integrator',
        tokenId: known.tokenId,
        scopes: new Set(known.scopes as IntegratorScope[]),
        roles: new Set<Role>(['INTEGRATOR']),
      };
    }
    const userId = known.userId!;
    // A dismissed employee's token stops working with their portal account.
    const [user, isAdmin] = await Promise.all([
      this.#directory.getUser(userId),
      this.#directory.isAdmin(userId),
    ]);
    if (!user?.active) return anonymous;
    const roles = new Set<Role>(['EMPLOYEE']);
    if (isAdmin) roles.add('ADMIN');
    if (known.isAuditor) roles.add('AUDITOR');
    return { kind: 'user', tokenId: known.tokenId, userId, roles };
  }

  async isAuditor(em: EntityManager, userId: number): Promise<boolean> {
    return (await em.count(AuditorGrant, { userId, revokedAt: null })) > 0;
  }

  /**
   * Drops every remembered token lookup. Call it after a change to tokens or auditor grants has committed
   * (sign-out, revocation, auditor grant or revocation, erasure), so this process refuses a revoked token
   * or a withdrawn role from the next request on. Other processes see the change within the cache's lifetime.
   */
  forget(): void {
    this.#known.clear();
    this.#generation++;
  }

  async #lookup(em: EntityManager, presented: string): Promise<KnownToken | null> {
    const key = sha256Hex(presented);
    const now = this.#now();
    const cached = this.#known.get(key);
    if (cached) {
      this.#known.delete(key);
      if (cached.expires > now) {
        this.#known.set(key, cached); // most recently used last
        return cached;
      }
    }
    const generation = this.#generation;
    const token = await this.#tokens.authenticate(em, presented);
    if (!token) return null;
    const known: KnownToken = {
      tokenId: token.id,
      kind: token.kind,
      userId: token.userId ?? null,
      scopes: token.scopes,
      isAuditor: token.kind === 'USER' && (await this.isAuditor(em, token.userId!)),
      // A frame session's token is never served from the cache past its own end.
      expires: Math.min(now + this.#ttlMs, token.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY),
    };
    if (this.#ttlMs > 0 && generation === this.#generation) {
      this.#known.set(key, known);
      if (this.#known.size > this.#max) this.#known.delete(this.#known.keys().next().value!);
    }
    return known;
  }
}
