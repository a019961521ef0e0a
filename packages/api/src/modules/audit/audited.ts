import type { EntityManager } from '@mikro-orm/core';
import type { GraphQLContext } from '../../context.ts';
import type { Principal } from '../identity/roles.ts';
import type { AuditEventDraft } from './audit-record.ts';

/** What a mutation says about itself; who, from where and through what is filled in from the request. */
export type MutationEvent = Omit<AuditEventDraft, 'actorId' | 'source' | 'ip' | 'userAgent'> &
  Partial<Pick<AuditEventDraft, 'actorId'>>;

export function actorIdOf(principal: Principal): number | null {
  return principal.kind === 'user' ? principal.userId : null;
}

/** The request's side of an event: who called, from which address, with which client. */
export function requestFields(ctx: Pick<GraphQLContext, 'principal' | 'request'>) {
  const integrator =
    ctx.principal.kind === 'integrator' ? { integratorTokenId: ctx.principal.tokenId } : null;
  return {
    actorId: actorIdOf(ctx.principal),
    ip: ctx.request.ip,
    userAgent: ctx.request.userAgent,
    source: 'api' as const,
    integrator,
  };
}

/**
 * Runs a mutation's change and writes its audit event(s) in the same transaction: both commit, or
 * neither does. Work that must survive a refusal (a failed sign-in attempt) does not belong in here.
 */
export async function audited<T>(
  ctx: Pick<GraphQLContext, 'em' | 'principal' | 'request' | 'services'>,
  work: (tx: EntityManager) => Promise<T>,
  events: (result: T) => MutationEvent | MutationEvent[],
): Promise<T> {
  return ctx.em.transactional(async (tx) => {
    const result = await work(tx);
    const { integrator, ...base } = requestFields(ctx);
    const drafts = [events(result)].flat().map((e) => ({
      ...base,
      ...e,
      metadata: integrator ? { ...e.metadata, ...integrator } : e.metadata,
    }));
    await ctx.services.audit.append(tx, drafts);
    return result;
  });
}
