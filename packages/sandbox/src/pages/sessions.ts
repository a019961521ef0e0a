import { createHash, randomBytes } from 'node:crypto';

/** Bitrix24 keeps its PHP session in this cookie (HttpOnly, SameSite=Lax). */
export const SESSION_COOKIE = 'PHPSESSID';
/** Guest sessions are created on every cookie-less request; keep the map from growing without bound. */
const MAX_SESSIONS = 10_000;

export interface PageSession {
  /** The PHP session id (the cookie value). A sign-in or an authorization replaces it. */
  id: string;
  /** The signed-in user, or null for a guest. */
  userId: number | null;
  createdAt: string;
}

/** One "Authorize" (LoginAs) from the admin user list, for tests to inspect. */
export interface Authorization {
  at: string;
  /** The administrator who clicked "Authorize". */
  adminId: number;
  /** The user the session was switched to. */
  userId: number;
  /** bitrix_sessid before and after: the session is regenerated, so they differ. */
  sessidBefore: string;
  sessidAfter: string;
}

/**
 * Page sessions, in memory on the runtime. Survive `reset()` like webhooks do: a session whose user
 * no longer exists is treated as a guest by the pages.
 */
export class SessionStore {
  /** The portal's server id: `bitrix_sessid = md5(server id . session id)` (BITRIX24.md, Impersonation). */
  private readonly serverId = randomBytes(16).toString('hex');
  private readonly sessions = new Map<string, PageSession>();
  readonly authorizations: Authorization[] = [];

  get(id: string | undefined): PageSession | undefined {
    return id === undefined ? undefined : this.sessions.get(id);
  }

  /** A new session with a fresh random id (sign-in, logout and LoginAs all regenerate the id). */
  create(userId: number | null): PageSession {
    const session: PageSession = {
      id: randomBytes(16).toString('hex'),
      userId,
      createdAt: new Date().toISOString(),
    };
    this.sessions.set(session.id, session);
    if (this.sessions.size > MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    return session;
  }

  /** Ends `old` (if any) and starts a new session for `userId`, as PHP's session_regenerate_id does. */
  regenerate(old: PageSession | undefined, userId: number | null): PageSession {
    if (old) this.sessions.delete(old.id);
    return this.create(userId);
  }

  /** The CSRF token of a session: stable for the session's lifetime. */
  sessid(session: PageSession): string {
    return createHash('md5')
      .update(this.serverId + session.id)
      .digest('hex');
  }

  list(): PageSession[] {
    return [...this.sessions.values()];
  }
}
