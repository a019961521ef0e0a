import type { EntityManager } from '@mikro-orm/core';
import type { AppServices } from './app-services.ts';
import type { Principal } from './modules/identity/roles.ts';

/** What every resolver gets: its own EntityManager fork, the verified caller, and the services. */
export interface GraphQLContext {
  em: EntityManager;
  principal: Principal;
  services: AppServices;
  /** `origin`: the browser-set Origin header (the extension's sign-in steps accept only its own). */
  request: { ip: string; userAgent: string | null; origin: string | null };
}

/** Per-request values the HTTP layer passes to yoga. */
export interface ServerContext {
  services: AppServices;
  ip: string;
}

export async function createContext(request: Request, server: ServerContext): Promise<GraphQLContext> {
  const em = server.services.orm.em.fork();
  const principal = await server.services.principals.fromAuthorization(
    em,
    request.headers.get('authorization'),
  );
  return {
    em,
    principal,
    services: server.services,
    request: {
      ip: server.ip,
      userAgent: request.headers.get('user-agent'),
      origin: request.headers.get('origin'),
    },
  };
}
