import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/postgresql';

/** Raw SQL on the caller's transaction, when it has one (the SQL driver's EntityManager does this). */
export function sql<T>(em: EntityManager, query: string, params: unknown[] = []): Promise<T[]> {
  return (em as unknown as SqlEntityManager).execute<T[]>(query, params);
}
