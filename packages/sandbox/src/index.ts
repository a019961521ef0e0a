import {
  appControls,
  oauthControls,
  type SandboxApps,
  type SandboxOAuth,
  setAdmin,
} from './apps/controls.ts';
import type { Counters } from './counters.ts';
import type { ActiveFault, Fault } from './faults.ts';
import { signInPath } from './pages/auth.ts';
import { logoutUrl } from './pages/layout.ts';
import type { Authorization, PageSession } from './pages/sessions.ts';
import { authorizeUrl } from './pages/user-admin.ts';
import { createMethodRegistry } from './rest/methods/index.ts';
import type { RateLimitOptions } from './rest/rate-limit.ts';
import { type SandboxOptions, SandboxRuntime } from './runtime.ts';
import { seedDemo, seedEmpty } from './seed/demo.ts';
import { SeedHelpers } from './seed/helpers.ts';
import { createApp, listen } from './server.ts';
import type { PortalState } from './state/portal-state.ts';
import type { Delivery } from './state/types.ts';

export type { OpenFrameOptions, SandboxApps, SandboxOAuth } from './apps/controls.ts';
export { AppControlError } from './apps/lifecycle.ts';
export { ALL_SCOPES } from './apps/scopes.ts';
export type { App, AppRegistration, AppStatus, FrameResult, Placement } from './apps/types.ts';
export type { CountersSnapshot } from './counters.ts';
export type { ActiveFault, Fault, FaultKind } from './faults.ts';
export { TOKEN_ENDPOINT_FAULT_NAME } from './faults.ts';
export { DEFAULT_LIFETIMES, type Lifetimes, type TokenCallCounters } from './oauth/tokens.ts';
export { FEED_MAX_COUNT, FEED_PAGE_SIZE } from './pages/live-feed.ts';
export { DIALOG_PAGE_SIZE } from './pages/messenger.ts';
export { type Authorization, type PageSession, SESSION_COOKIE } from './pages/sessions.ts';
export { USER_ADMIN_PATH } from './pages/user-admin.ts';
export { DELETED_MESSAGE_TEXT } from './rest/im-view.ts';
export { type MessageDeleteRule, setMessageDeleteRule } from './rest/methods/im.ts';
export type { OperatingLimitOptions } from './rest/operating.ts';
export { DOCUMENTED_OPERATING_LIMIT } from './rest/operating.ts';
export type { RateLimitOptions } from './rest/rate-limit.ts';
export { ENTERPRISE_RATE_LIMIT, STANDARD_RATE_LIMIT } from './rest/rate-limit.ts';
export { type Dataset, DEFAULT_DOMAIN, DEFAULT_SEED, type SandboxOptions } from './runtime.ts';
export { DEMO_ADMIN_IDS, DEMO_DISMISSED_IDS, DEMO_EMPLOYEES, DEMO_REFERENCE_DATE } from './seed/demo.ts';
export { SeedHelpers } from './seed/helpers.ts';
export { PortalState } from './state/portal-state.ts';
export type * from './state/types.ts';

export interface SandboxPortal {
  /** `http://127.0.0.1:PORT` */
  url: string;
  domain: string;
  /** `auth[member_id]` of delivered events. */
  memberId: string;
  /** `auth[application_token]` of delivered events. */
  applicationToken: string;
  /** `http://127.0.0.1:PORT/rest/{userId}/{code}/`; the webhook is created on first use. */
  webhookUrl(userId: number): string;
  state: PortalState;
  faults: {
    /** Returns the fault's id. */
    inject(fault: Fault): string;
    remove(id: string): void;
    clear(): void;
    list(): ActiveFault[];
  };
  counters: Counters;
  /** Builders that write state directly (no events, no counters). */
  seed: SeedHelpers;
  rateLimit: {
    configure(options: RateLimitOptions | false): void;
    /** Empties every bucket. */
    reset(): void;
  };
  events: {
    /** Every outbound event delivery attempt, oldest first. */
    deliveries(): Delivery[];
    /** Resolves when every delivery started so far has finished. */
    flush(): Promise<void>;
  };
  /** The HTML pages (see the README's "Pages"): addresses and the browser sessions behind them. */
  pages: SandboxPages;
  /** Applications: register, install, uninstall, placements, headless frames (README "Applications"). */
  apps: SandboxApps;
  /** The authorization server: lifetimes, expiring and revoking tokens, `/oauth/token/` counters. */
  oauth: SandboxOAuth;
  /** `${url}/oauth/token/`. */
  oauthTokenUrl: string;
  /** Makes a user an administrator or takes the rights away (what `user.admin` and `profile` answer). */
  setAdmin(userId: number, admin: boolean): void;
  /** Back to the initial dataset; counters, faults and buckets cleared; webhooks and page sessions kept. */
  reset(): void;
  close(): Promise<void>;
}

export interface SandboxPages {
  /** `http://127.0.0.1:PORT/auth/?user=N[&backurl=…]`: opening it signs the browser in as the user. */
  signInUrl(userId: number, backurl?: string): string;
  /** `http://127.0.0.1:PORT{path}`, e.g. `url('/stream/')`. */
  url(path: string): string;
  /** The sessions' CSRF token, as the page's `BX.bitrix_sessid()` shows it, by PHPSESSID cookie value. */
  sessid(sessionId: string): string | undefined;
  /** The user signed in with that PHPSESSID, null for a guest, undefined for an unknown session. */
  sessionUser(sessionId: string): number | null | undefined;
  /** `/?logout=yes&sessid=…` of a session. */
  logoutUrl(sessionId: string): string | undefined;
  /** The admin list's "Authorize" link for a session (its sessid) and a target user. */
  authorizeUrl(sessionId: string, userId: number): string | undefined;
  /** Every successful "Authorize" (LoginAs), oldest first. */
  authorizations(): Authorization[];
  sessions(): PageSession[];
}

/** Starts a Bitrix24 portal emulator on 127.0.0.1 (port 0 by default). */
export async function createSandboxPortal(options: SandboxOptions = {}): Promise<SandboxPortal> {
  const runtime = new SandboxRuntime(options, createMethodRegistry());
  const load = () => {
    runtime.state.clear();
    if (runtime.dataset === 'demo') seedDemo(runtime.state, runtime.seed);
    else seedEmpty(runtime.state);
  };
  load();
  const reset = () => {
    load();
    runtime.counters.reset();
    runtime.faults.clear();
    runtime.bucket.reset();
    runtime.operating.reset();
  };
  const app = createApp(runtime, { reset });
  const withSession = <T>(id: string, f: (s: PageSession) => T): T | undefined => {
    const session = runtime.sessions.get(id);
    return session ? f(session) : undefined;
  };
  const server = await listen(app, options.host ?? '127.0.0.1', options.port ?? 0);
  runtime.baseUrl = server.url;
  return {
    url: server.url,
    domain: runtime.domain,
    memberId: runtime.memberId,
    applicationToken: runtime.applicationToken,
    webhookUrl: (userId) => runtime.webhookUrl(userId),
    state: runtime.state,
    faults: {
      inject: (f) => runtime.faults.inject(f),
      remove: (id) => runtime.faults.remove(id),
      clear: () => runtime.faults.clear(),
      list: () => runtime.faults.list(),
    },
    counters: runtime.counters,
    seed: new SeedHelpers(runtime.state),
    rateLimit: {
      configure: (o) => runtime.bucket.configure(o),
      reset: () => runtime.bucket.reset(),
    },
    events: {
      deliveries: () => [...runtime.state.deliveries],
      flush: () => runtime.events.flush(),
    },
    pages: {
      signInUrl: (userId, backurl) => `${server.url}${signInPath(userId, backurl)}`,
      url: (path) => `${server.url}${path}`,
      sessid: (id) => withSession(id, (s) => runtime.sessions.sessid(s)),
      sessionUser: (id) => withSession(id, (s) => s.userId),
      logoutUrl: (id) =>
        withSession(id, (s) => `${server.url}${logoutUrl({ sessid: runtime.sessions.sessid(s) })}`),
      authorizeUrl: (id, userId) =>
        withSession(id, (s) => `${server.url}${authorizeUrl(userId, runtime.sessions.sessid(s))}`),
      authorizations: () => [...runtime.sessions.authorizations],
      sessions: () => runtime.sessions.list(),
    },
    apps: appControls(runtime),
    oauth: oauthControls(runtime),
    oauthTokenUrl: `${server.url}/oauth/token/`,
    setAdmin: (userId, admin) => setAdmin(runtime, userId, admin),
    reset,
    close: async () => {
      await runtime.events.flush();
      await server.close();
    },
  };
}
