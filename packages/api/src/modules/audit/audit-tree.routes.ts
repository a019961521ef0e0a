import type { Context } from 'hono';
import type { AppServices } from '../../app-services.ts';
import { DomainError } from '../../errors.ts';

/**
 * The tree's heads and proofs as plain JSON for auditors' scripts (docs/audit-proofs.md), the same as the
 * GraphQL fields: GET /audit/tree-head, /audit/events/:id/proof?treeSize=n, /audit/consistency?first=m&second=n.
 * Bearer token of an auditor or administrator.
 */
type Handler = (services: AppServices, c: Context) => Promise<unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function size(c: Context, name: string): number | null {
  const value = c.req.query(name);
  if (value === undefined || value === '') return null;
  if (!/^\d{1,15}$/.test(value)) throw new BadRequest(`${name} is not a whole number`);
  return Number(value);
}

class BadRequest extends Error {}

export const treeHead: Handler = (services) => services.audit.treeHead(services.orm.em.fork());

export const eventProof: Handler = async (services, c) => {
  const em = services.orm.em.fork();
  const id = c.req.param('id') ?? '';
  const event = UUID.test(id) ? await services.audit.event(em, id) : null;
  if (!event) return null;
  const proof = await services.audit.eventProof(em, event, size(c, 'treeSize'));
  return { eventId: event.id, seq: event.seq, ...proof };
};

export const consistency: Handler = (services, c) => {
  const first = size(c, 'first');
  if (first === null) throw new BadRequest('first is required');
  return services.audit.consistency(services.orm.em.fork(), first, size(c, 'second'));
};

/** Wraps a handler with the auditor/administrator check and JSON answers for every expected failure. */
export function auditorJson(services: AppServices, handler: Handler) {
  return async (c: Context): Promise<Response> => {
    const em = services.orm.em.fork();
    const principal = await services.principals.fromAuthorization(em, c.req.header('authorization') ?? null);
    if (principal.kind === 'anonymous') return c.json({ error: 'Sign in: send a bearer token.' }, 401);
    if (!(principal.kind === 'user' && (principal.roles.has('AUDITOR') || principal.roles.has('ADMIN'))))
      return c.json({ error: 'Only auditors and administrators may read tree heads and proofs.' }, 403);
    try {
      const body = await handler(services, c);
      if (body === null) return c.json({ error: 'No such event.' }, 404);
      return c.json(body, 200, { 'cache-control': 'no-store' });
    } catch (error) {
      if (error instanceof BadRequest || error instanceof DomainError)
        return c.json({ error: error.message }, error instanceof BadRequest ? 400 : 409);
      throw error;
    }
  };
}
