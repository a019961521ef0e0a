import type { MikroORM } from '@mikro-orm/core';
import { ImpersonationSession } from '../impersonation/impersonation-session.entity.ts';

/**
 * Tells which of the given session keys (SHA-256 hex of a Bitrix24 session) belong to an administrator's
 * impersonation ("log in as") session. `editSummaries` asks it once per request with every key it saw.
 * Pluggable through EditHistoryService's constructor; the default says "none".
 */
export type ImpersonatedSessionPredicate = (sessionKeys: readonly string[]) => Promise<ReadonlySet<string>>;

export const noImpersonatedSessions: ImpersonatedSessionPredicate = async () => new Set();

/** The keys recorded as impersonation sessions (`impersonation_session`, modules/impersonation): one query. */
export function impersonationSessionKeys(orm: MikroORM): ImpersonatedSessionPredicate {
  return async (sessionKeys) => {
    if (sessionKeys.length === 0) return new Set();
    const rows = await orm.em
      .fork()
      .find(ImpersonationSession, { sessionKey: { $in: [...sessionKeys] } }, { fields: ['sessionKey'] });
    return new Set(rows.map((row) => row.sessionKey));
  };
}
