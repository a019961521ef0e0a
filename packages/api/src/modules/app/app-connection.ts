import type { SandboxPortal } from '@b24-gdpr/sandbox';
import type { MikroORM } from '@mikro-orm/core';
import {
  Bitrix24AuthError,
  Bitrix24Client,
  ENTERPRISE_PLAN,
  LeakyBucketLimiter,
  STANDARD_PLAN,
} from '../../bitrix24/index.ts';
import type { Config } from '../../config/config.ts';
import type { Logger } from '../../config/logger.ts';
import type { CredentialStatus, PortalConnection } from '../portal/connect.ts';
import { RestPortalDirectory } from '../portal/rest-portal-directory.ts';
import { AppAdmin } from './app-admin.entity.ts';
import { AppAdmins } from './app-admins.ts';
import { AppPortals } from './app-portals.ts';
import type { BackgroundFrames } from './background-frames.ts';
import type { ClientCredentials } from './oauth-server.ts';
import type { TokenCipher } from './token-cipher.ts';
import { TokenStore } from './token-store.ts';

/** What the app routes (install, events, frames) and the purge job need besides the connection's seams. */
export interface AppRuntime {
  cipher: TokenCipher;
  portals: AppPortals;
  tokens: TokenStore;
  admins: AppAdmins;
  /** The application's OAuth keys (config, or the sandbox registration made at start). */
  credentials: { current: ClientCredentials | null };
  /** A client acting as the user with their own token (typed auth errors when we hold none). */
  clientOf(userId: number): Bitrix24Client;
  /**
   * A client over a token the portal just handed us (an install event, a frame), not stored yet: used to
   * ask `profile` whose it is. Never refreshed: a refused token is simply refused.
   */
  probe(clientEndpoint: string, accessToken: string): Bitrix24Client;
  /**
   * Where an install may come from: `<origin>/rest/` is the only client endpoint accepted. The configured
   * portal over https (BITRIX24_PORTAL_DOMAIN), or the in-process sandbox; null: no install is accepted.
   */
  installOrigin(): string | null;
  /** The `app.info` CODE an installer's tokens must show: BITRIX24_APP_CODE, else our client id. */
  appCode(): string | null;
  /** The administrator the connection's `client` acts as now (installer, or another administrator seen). */
  adminUserId(): Promise<number>;
  /** Why no administrator is at hand (null when one is): said in refusals of administrator-only work. */
  adminUnavailable(): Promise<string | null>;
  now: () => number;
  /** The background-worker frames' queue, once the routes are registered (tests wait on `settled()`). */
  background?: BackgroundFrames;
  /** The binds started by the last install (placements, ONAPPUNINSTALL), which follow its answer. */
  lastBind?: Promise<void>;
}

/** Bitrix24's authorization server (settings/oauth/index.md); `BITRIX24_OAUTH_URL` overrides it. */
export const BITRIX24_OAUTH_TOKEN_URL = 'https://oauth.bitrix.info/oauth/token/';

export interface AppConnectionOptions {
  orm: MikroORM;
  cipher: TokenCipher;
  sandbox?: SandboxPortal | null;
  /** Settable clock for tests (the admin re-check TTL); Date.now by default. */
  now?: () => number;
  ownsSandbox?: boolean;
}

/**
 * PortalConnection in application mode: every client is a `Bitrix24Client` over a user's OAuth token from
 * the token store (same batching, paging, limiter and retries as webhooks), one limiter for the portal.
 * `client` acts as an administrator: the installing one, or, once that token is dead or missing, another
 * administrator seen with a usable token. Nothing is known before the install: calls then fail with a
 * typed `NO_AUTH_FOUND`, and `domain` says "not installed".
 */
export function connectApp(
  config: Config,
  logger: Logger,
  options: AppConnectionOptions,
): PortalConnection & { app: AppRuntime } {
  const now = options.now ?? Date.now;
  const limiter = new LeakyBucketLimiter(
    config.BITRIX24_PLAN === 'enterprise' ? ENTERPRISE_PLAN : STANDARD_PLAN,
  );
  const credentials = {
    current:
      config.BITRIX24_CLIENT_ID && config.BITRIX24_CLIENT_SECRET
        ? { clientId: config.BITRIX24_CLIENT_ID, clientSecret: config.BITRIX24_CLIENT_SECRET }
        : null,
  };
  const portals = new AppPortals(options.orm, options.cipher, now);
  const tokens = new TokenStore({
    orm: options.orm,
    cipher: options.cipher,
    portals,
    credentials: () => credentials.current,
    // Never the install's `server_endpoint`: the token URL receives our client secret and every refresh
    // token, so it is fixed by configuration (or the in-process sandbox), not by what a request says.
    tokenUrl: config.BITRIX24_OAUTH_URL ?? options.sandbox?.oauthTokenUrl ?? BITRIX24_OAUTH_TOKEN_URL,
    logger: logger.child({ component: 'app-tokens' }),
    now,
  });
  const bitrixLogger = logger.child({ component: 'bitrix24' });
  // Logs name the portal (its domain once installed), not `oauth:unknown`.
  const origin = () => portals.lastKnown?.domain ?? options.sandbox?.domain ?? 'not installed';
  const clients = new Map<number, Bitrix24Client>();
  const clientOf = (userId: number) => {
    let client = clients.get(userId);
    if (!client) {
      client = new Bitrix24Client({
        oauth: tokens.session(userId, `app token of user ${userId}`),
        origin,
        limiter,
        logger: bitrixLogger,
      });
      clients.set(userId, client);
    }
    return client;
  };
  let lastAdmin = 0;
  /**
   * The administrator `client` acts as: the installer first, then the other administrators seen (the
   * latest first), each only while we hold a usable token of theirs **and** `profile.ADMIN` still says so
   * with it (AppAdmins, re-asked at most every APP_ADMIN_RECHECK_SECONDS): a demoted installer's token
   * still works, but no longer as an administrator's. With none, the installer's (or no) token is used and
   * administrator-only calls are refused; `adminUnavailable` says why.
   */
  const adminUserId = async () => {
    const portal = await portals.current();
    if (!portal) return lastAdmin;
    const candidates = [portal.installedBy ?? 0];
    const seen = await options.orm.em
      .fork()
      .find(AppAdmin, { portalId: portal.id, admin: true }, { orderBy: { lastAdminAt: 'desc' }, limit: 20 });
    for (const row of seen) if (!candidates.includes(row.userId)) candidates.push(row.userId);
    for (const id of candidates) {
      if (id > 0 && (await tokens.status(portal.id, id)).state === 'usable' && (await admins.isAdmin(id))) {
        lastAdmin = id;
        return id;
      }
    }
    lastAdmin = portal.installedBy ?? lastAdmin;
    return lastAdmin;
  };
  const adminUnavailable = async (refused = false): Promise<string | null> => {
    const portal = await portals.current();
    if (!portal) return 'the application is not installed on the portal';
    const id = await adminUserId();
    // Our answer for them is still a "yes" (asked less than APP_ADMIN_RECHECK_SECONDS ago) while the
    // portal already refuses: they were demoted moments ago.
    if (id > 0 && (await admins.isAdmin(id)))
      return refused
        ? `the administrator the application acts as on ${portal.domain} (user ${id}) is no longer one there; within ${config.APP_ADMIN_RECHECK_SECONDS} s another administrator seen takes over, or an administrator must open any portal page so the application gets their token`
        : null;
    const last = await options.orm.em
      .fork()
      .findOne(AppAdmin, { portalId: portal.id }, { orderBy: { lastAdminAt: 'desc' } });
    const since = last?.lastAdminAt ?? null;
    return since
      ? `no administrator of ${portal.domain} has opened the portal since ${since.toISOString()} (the last administrator confirmed then, user ${last!.userId}, is no longer one or their token stopped working); an administrator must open any portal page so the application gets their token`
      : `no administrator of ${portal.domain} has opened the portal since the application was installed; an administrator must open any portal page so the application gets their token`;
  };
  const client = new Bitrix24Client({
    oauth: tokens.session(adminUserId, 'app token of the administrator'),
    origin,
    limiter,
    logger: bitrixLogger,
  });
  const admins = new AppAdmins({
    orm: options.orm,
    portals,
    clientOf: async (id) => ((await credentialStatus(id)).state === 'usable' ? clientOf(id) : undefined),
    ttlMs: config.APP_ADMIN_RECHECK_SECONDS * 1000,
    now,
  });
  const notInstalled: CredentialStatus = {
    state: 'missing',
    reason: 'the application is not installed on the portal, so we hold no user tokens',
  };
  const credentialStatus = async (userId: number): Promise<CredentialStatus> => {
    const portal = await portals.current();
    return portal ? tokens.status(portal.id, userId) : notInstalled;
  };
  const credentialsFor = async (userId: number) =>
    (await credentialStatus(userId)).state === 'usable' ? clientOf(userId) : undefined;
  const usersWithCredentials = async () => {
    const portal = await portals.current();
    return portal ? tokens.usableUserIds(portal.id) : [];
  };
  const probe = (clientEndpoint: string, accessToken: string) => {
    const grant = { clientEndpoint, accessToken, userId: 0 };
    return new Bitrix24Client({
      oauth: {
        label: 'a token handed over by the portal',
        acquire: async () => grant,
        renew: async () => {
          throw new Bitrix24AuthError({
            code: 'expired_token',
            description: 'a handed-over token is not refreshed',
            method: 'oauth',
          });
        },
      },
      origin: () => new URL(clientEndpoint).host,
      limiter,
      logger: bitrixLogger,
      retry: { maxAttempts: 2 },
    });
  };
  const app: AppRuntime = {
    cipher: options.cipher,
    portals,
    tokens,
    admins,
    credentials,
    clientOf,
    probe,
    installOrigin: () =>
      options.sandbox
        ? new URL(options.sandbox.url).origin
        : config.BITRIX24_PORTAL_DOMAIN
          ? `https://${config.BITRIX24_PORTAL_DOMAIN}`
          : null,
    appCode: () => config.BITRIX24_APP_CODE ?? credentials.current?.clientId ?? null,
    adminUserId,
    adminUnavailable,
    now,
  };
  // Known synchronously only for users whose token this process has seen (credentialsFor asks the database).
  const asUser = (userId: number) => (tokens.knownUsable(userId) ? clientOf(userId) : undefined);
  void adminUserId().catch(() => {});
  void usersWithCredentials().catch(() => {});
  return {
    kind: options.sandbox ? 'sandbox' : 'bitrix24',
    mode: 'app',
    get domain() {
      return portals.lastKnown?.domain ?? options.sandbox?.domain ?? 'not installed';
    },
    client,
    directory: new RestPortalDirectory(client, admins),
    get adminUserId() {
      return lastAdmin;
    },
    asUser,
    credentialsFor,
    credentialStatus,
    usersWithCredentials,
    applicationToken: () => portals.applicationToken(),
    adminUnavailable,
    sandbox: options.sandbox ?? null,
    app,
    close: async () => {
      if (options.ownsSandbox) await options.sandbox?.close();
    },
  };
}
