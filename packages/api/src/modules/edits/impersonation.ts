/**
 * Tells which of the given session keys (SHA-256 hex of a Bitrix24 session) belong to an administrator's
 * impersonation ("log in as") session. `editSummaries` asks it once per request with every key it saw.
 *
 * The impersonation module (ImpersonationSession) does not exist yet: until it does, the default says
 * "none". Plug the real one in through `createAppServices` (EditHistoryService's constructor), e.g. one
 * query `select session_key from impersonation_session where session_key = any($1)`.
 */
export type ImpersonatedSessionPredicate = (sessionKeys: readonly string[]) => Promise<ReadonlySet<string>>;

export const noImpersonatedSessions: ImpersonatedSessionPredicate = async () => new Set();
