import { randomBytes } from 'node:crypto';

/**
 * Lifetimes from settings/oauth/index.md and auto-renewal.md: access token one hour, refresh token
 * 180 days, authorization code 30 seconds. Tests shorten them with `setLifetimes`.
 */
export const DEFAULT_LIFETIMES = {
  accessSeconds: 3600,
  refreshSeconds: 180 * 24 * 3600,
  codeSeconds: 30,
} as const;

export interface Lifetimes {
  accessSeconds: number;
  refreshSeconds: number;
  codeSeconds: number;
}

export interface AccessToken {
  token: string;
  appId: number;
  userId: number;
  /** Epoch ms. */
  expiresAt: number;
}

export interface RefreshToken {
  token: string;
  appId: number;
  userId: number;
  expiresAt: number;
  /** A rotated (used) or revoked refresh token answers `invalid_grant` from then on. */
  state: 'live' | 'used' | 'revoked';
}

export interface AuthCode {
  code: string;
  appId: number;
  userId: number;
  expiresAt: number;
  used: boolean;
}

/** What a token request counted: by grant type, by user, and the refusals by error code. */
export interface TokenCallCounters {
  total: number;
  byGrant: Record<string, number>;
  /** Successful grants per user id. */
  byUser: Record<string, number>;
  errors: Record<string, number>;
}

export interface IssuedPair {
  access: AccessToken;
  refresh: RefreshToken;
}

function token(): string {
  // Bitrix24's current tokens are 64 hex digits (api-reference/widgets/universal/background-worker.md).
  return randomBytes(32).toString('hex');
}

/**
 * The authorization server's memory: every token it issued, per application and user. Refresh
 * tokens rotate (auto-renewal.md: "Retain it instead of the previous one"): using one issues a new
 * pair and retires it, so a second use answers `invalid_grant`. An access token lives until it
 * expires, whatever happens to its refresh token (*unconfirmed*: the docs do not say a refresh ends
 * the previous access token).
 */
export class TokenStore {
  lifetimes: Lifetimes = { ...DEFAULT_LIFETIMES };
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, RefreshToken>();
  private readonly codes = new Map<string, AuthCode>();
  private counters: TokenCallCounters = { total: 0, byGrant: {}, byUser: {}, errors: {} };
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  setLifetimes(l: Partial<Lifetimes>): Lifetimes {
    this.lifetimes = { ...this.lifetimes, ...l };
    return this.lifetimes;
  }

  issue(appId: number, userId: number): IssuedPair {
    const now = this.now();
    const access: AccessToken = {
      token: token(),
      appId,
      userId,
      expiresAt: now + this.lifetimes.accessSeconds * 1000,
    };
    const refresh: RefreshToken = {
      token: token(),
      appId,
      userId,
      expiresAt: now + this.lifetimes.refreshSeconds * 1000,
      state: 'live',
    };
    this.access.set(access.token, access);
    this.refresh.set(refresh.token, refresh);
    return { access, refresh };
  }

  issueCode(appId: number, userId: number): AuthCode {
    const code: AuthCode = {
      code: token().slice(0, 32),
      appId,
      userId,
      expiresAt: this.now() + this.lifetimes.codeSeconds * 1000,
      used: false,
    };
    this.codes.set(code.code, code);
    return code;
  }

  findAccess(value: string): AccessToken | undefined {
    return this.access.get(value);
  }

  isExpired(t: { expiresAt: number }): boolean {
    return t.expiresAt <= this.now();
  }

  /** A live, unexpired refresh token of the app, retired on success; null when `invalid_grant`. */
  useRefresh(appId: number, value: string): RefreshToken | null {
    const t = this.refresh.get(value);
    if (!t || t.appId !== appId || t.state !== 'live' || this.isExpired(t)) return null;
    t.state = 'used';
    return t;
  }

  useCode(appId: number, value: string): AuthCode | null {
    const c = this.codes.get(value);
    if (!c || c.appId !== appId || c.used || this.isExpired(c)) return null;
    c.used = true;
    return c;
  }

  /** Test control: every access token of the user (optionally of one app) expires now. */
  expireAccess(filter: { userId?: number; appId?: number } = {}): number {
    let n = 0;
    const now = this.now();
    for (const t of this.access.values()) {
      if (filter.userId !== undefined && t.userId !== filter.userId) continue;
      if (filter.appId !== undefined && t.appId !== filter.appId) continue;
      if (t.expiresAt > now) {
        t.expiresAt = now;
        n++;
      }
    }
    return n;
  }

  /** Armed by `expireOnCall`: the user's tokens expire when their next call of `method` arrives. */
  private readonly expireTriggers: { userId: number; method: string }[] = [];

  /** Test control: the user's access tokens expire when a call of `method` (alone or in a batch) arrives. */
  expireOnCall(userId: number, method: string): void {
    this.expireTriggers.push({ userId, method: method.toLowerCase() });
  }

  /** Called by the REST router before a token is checked: fires a trigger armed for this call, once. */
  beforeCall(accessToken: string, methods: readonly string[]): void {
    if (this.expireTriggers.length === 0) return;
    const token = this.access.get(accessToken);
    if (!token) return;
    const lower = methods.map((m) => m.toLowerCase());
    const i = this.expireTriggers.findIndex((t) => t.userId === token.userId && lower.includes(t.method));
    if (i < 0) return;
    this.expireTriggers.splice(i, 1);
    this.expireAccess({ userId: token.userId });
  }

  /** Test control (and uninstall): the user's live refresh tokens answer `invalid_grant` from now on. */
  revokeRefresh(filter: { userId?: number; appId?: number } = {}): number {
    let n = 0;
    for (const t of this.refresh.values()) {
      if (filter.userId !== undefined && t.userId !== filter.userId) continue;
      if (filter.appId !== undefined && t.appId !== filter.appId) continue;
      if (t.state === 'live') {
        t.state = 'revoked';
        n++;
      }
    }
    return n;
  }

  /** Uninstall: the app's tokens stop working at once (on-app-uninstall.md). */
  dropApp(appId: number): void {
    for (const [k, t] of this.access) if (t.appId === appId) this.access.delete(k);
    this.revokeRefresh({ appId });
  }

  count(grant: string, outcome: { userId: number } | { error: string }): void {
    this.counters.total++;
    this.counters.byGrant[grant] = (this.counters.byGrant[grant] ?? 0) + 1;
    if ('userId' in outcome) {
      const k = String(outcome.userId);
      this.counters.byUser[k] = (this.counters.byUser[k] ?? 0) + 1;
    } else {
      this.counters.errors[outcome.error] = (this.counters.errors[outcome.error] ?? 0) + 1;
    }
  }

  callCounters(): TokenCallCounters {
    return structuredClone(this.counters);
  }

  resetCounters(): void {
    this.counters = { total: 0, byGrant: {}, byUser: {}, errors: {} };
  }

  /** How many tokens a user holds, for tests (never the tokens themselves). */
  summary(userId?: number): { liveAccess: number; liveRefresh: number } {
    const now = this.now();
    let liveAccess = 0;
    let liveRefresh = 0;
    for (const t of this.access.values())
      if ((userId === undefined || t.userId === userId) && t.expiresAt > now) liveAccess++;
    for (const t of this.refresh.values())
      if ((userId === undefined || t.userId === userId) && t.state === 'live' && t.expiresAt > now)
        liveRefresh++;
    return { liveAccess, liveRefresh };
  }
}
