import type { EntityManager } from '@mikro-orm/core';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import { ApiToken } from './api-token.entity.ts';
import { INTEGRATOR_SCOPES, type IntegratorScope } from './roles.ts';
import { generateApiToken, sha256Hex, TOKEN_PREFIX } from './secrets.ts';

/** lastUsedAt is advisory; writing it on every request would turn each read into a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface IssuedToken {
  /** The secret, returned once and never again. */
  token: string;
  record: ApiToken;
}

export class TokenService {
  async issueUserToken(
    em: EntityManager,
    userId: number,
    label: string,
    createdBy: number | null,
    expiresAt: Date | null = null,
  ): Promise<IssuedToken> {
    return this.issue(em, { kind: 'USER', userId, scopes: [], label, createdBy, expiresAt });
  }

  async issueIntegratorToken(
    em: EntityManager,
    scopes: readonly string[],
    label: string,
    createdBy: number | null,
  ): Promise<IssuedToken> {
    if (scopes.length === 0)
      throw new InvalidInputError('scopes', 'An integrator token needs at least one scope.');
    const unknown = scopes.filter((s) => !(INTEGRATOR_SCOPES as readonly string[]).includes(s));
    if (unknown.length > 0) {
      throw new InvalidInputError(
        'scopes',
        `Unknown scope ${unknown.join(', ')}; valid: ${INTEGRATOR_SCOPES.join(', ')}.`,
      );
    }
    return this.issue(em, {
      kind: 'INTEGRATOR',
      userId: null,
      scopes: scopes as IntegratorScope[],
      label,
      createdBy,
      expiresAt: null,
    });
  }

  /** Resolves a presented bearer token to its live record, or null (unknown, malformed, revoked or expired). */
  async authenticate(em: EntityManager, presented: string, now = new Date()): Promise<ApiToken | null> {
    if (!presented.startsWith(TOKEN_PREFIX) || presented.length > 100) return null;
    const record = await em.findOne(ApiToken, { tokenHash: sha256Hex(presented), revokedAt: null });
    if (!record || (record.expiresAt && record.expiresAt <= now)) return null;
    if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await em.nativeUpdate(ApiToken, { id: record.id }, { lastUsedAt: now });
      record.lastUsedAt = now;
    }
    return record;
  }

  async revoke(em: EntityManager, id: string, now = new Date()): Promise<ApiToken> {
    const record = await em.findOne(ApiToken, { id });
    if (!record) throw new NotFoundError('ApiToken', id);
    record.revokedAt ??= now;
    await em.flush();
    return record;
  }

  private async issue(
    em: EntityManager,
    fields: Pick<ApiToken, 'kind' | 'userId' | 'scopes' | 'label' | 'createdBy' | 'expiresAt'>,
  ): Promise<IssuedToken> {
    const label = fields.label.trim();
    if (label.length === 0 || label.length > 200)
      throw new InvalidInputError('label', 'A label is 1 to 200 characters.');
    const token = generateApiToken();
    const record = em.create(ApiToken, { ...fields, label, tokenHash: sha256Hex(token) });
    await em.flush();
    return { token, record };
  }
}
