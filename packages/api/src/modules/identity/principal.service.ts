import type { EntityManager } from '@mikro-orm/core';
import type { PortalDirectory } from '../portal/portal-directory.ts';
import { AuditorGrant } from './auditor-grant.entity.ts';
import { anonymous, type IntegratorScope, type Principal, type Role } from './roles.ts';
import type { TokenService } from './token.service.ts';

/** Turns an Authorization header into who is calling, re-checking with the portal what the token cannot prove. */
export class PrincipalService {
  readonly #tokens: TokenService;
  readonly #directory: PortalDirectory;

  constructor(tokens: TokenService, directory: PortalDirectory) {
    this.#tokens = tokens;
    this.#directory = directory;
  }

  async fromAuthorization(em: EntityManager, header: string | null): Promise<Principal> {
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match?.[1]) return anonymous;
    const token = await this.#tokens.authenticate(em, match[1]);
    if (!token) return anonymous;
    if (token.kind === 'INTEGRATOR') {
      return {
        kind: 'integrator',
        tokenId: token.id,
        scopes: new Set(token.scopes as IntegratorScope[]),
        roles: new Set<Role>(['INTEGRATOR']),
      };
    }
    const userId = token.userId!;
    // A dismissed employee's token stops working with their portal account.
    const [user, isAdmin, isAuditor] = await Promise.all([
      this.#directory.getUser(userId),
      this.#directory.isAdmin(userId),
      this.isAuditor(em, userId),
    ]);
    if (!user?.active) return anonymous;
    const roles = new Set<Role>(['EMPLOYEE']);
    if (isAdmin) roles.add('ADMIN');
    if (isAuditor) roles.add('AUDITOR');
    return { kind: 'user', tokenId: token.id, userId, roles };
  }

  async isAuditor(em: EntityManager, userId: number): Promise<boolean> {
    return (await em.count(AuditorGrant, { userId, revokedAt: null })) > 0;
  }
}
