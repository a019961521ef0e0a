import { createSandboxPortal, type SandboxPortal } from '@b24-gdpr/sandbox';
import type { MikroORM } from '@mikro-orm/core';
import { Bitrix24Client, ENTERPRISE_PLAN, parseWebhookUrl, STANDARD_PLAN } from '../../bitrix24/index.ts';
import { type Config, portalMode } from '../../config/config.ts';
import type { Logger } from '../../config/logger.ts';
import { type AppRuntime, connectApp } from '../app/app-connection.ts';
import type { TokenCipher } from '../app/token-cipher.ts';
import { AdminVerifier } from './admin-verifier.ts';
import { AttachedSandbox } from './attached-sandbox.ts';
import { RestPortalDirectory } from './rest-portal-directory.ts';

export interface PortalConnection {
  kind: 'bitrix24' | 'sandbox';
  /** `app`: OAuth tokens of every user from the token store (modules/app); `webhook`: incoming webhooks. */
  mode: 'app' | 'webhook';
  /** Application mode's stores (install, frames, purge); absent in webhook mode. */
  app?: AppRuntime;
  /** Host of the portal, as users know it. */
  readonly domain: string;
  /** Acts with the rights of the webhook's owner, an administrator. */
  client: Bitrix24Client;
  directory: RestPortalDirectory;
  /** Owner of the main webhook; in app mode the administrator `client` acts as (0 before the install). */
  readonly adminUserId: number;
  /**
   * A client acting as this user, where we hold their credentials (administrators' webhooks on a real
   * portal; every user on the sandbox). Chats can only be read and messages only deleted this way.
   */
  asUser(userId: number): Bitrix24Client | undefined;
  /** As asUser, also for a user this process has not met yet (an attached sandbox is asked). */
  credentialsFor(userId: number): Promise<Bitrix24Client | undefined>;
  /**
   * Whether we hold the user's own credentials, and if not why: `missing` (never handed to us),
   * `dead` (the portal refused them for good, e.g. a revoked refresh token: the user must open the
   * portal again). Previews and reports say this instead of "nothing there".
   */
  credentialStatus(userId: number): Promise<CredentialStatus>;
  /** Users whose own credentials we hold and that were usable when last tried (per-user polling). */
  usersWithCredentials(): Promise<number[]>;
  /**
   * The token the portal signs its event deliveries with, where the connection can know it (a sandbox;
   * a real portal's comes from BITRIX24_APPLICATION_TOKEN). `fresh`: ask the sandbox again.
   */
  applicationToken(options?: { fresh?: boolean }): Promise<string | null>;
  /**
   * Application mode: why `client` cannot act as an administrator now (no administrator whose token we
   * hold is still one), or null. Webhook mode has no such state: the webhook's owner is configured.
   * `refused`: the portal has just refused `client` an administrator's call, so a null answer (our
   * cached "yes") is replaced by that reason, in application mode's terms.
   */
  adminUnavailable?(refused?: boolean): Promise<string | null>;
  /** The emulator, when no real portal is configured. */
  sandbox: SandboxPortal | null;
  close(): Promise<void>;
}

export type CredentialStatus =
  | { state: 'usable' }
  | { state: 'missing' | 'dead' /** Said to people: why we cannot act as this user. */; reason: string };

/**
 * Application mode (BITRIX24_MODE=app, the default without BITRIX24_WEBHOOK_URL): the portal that installs
 * our application, on the in-process sandbox when no real portal is configured (`pnpm start` registers and
 * installs the app there). Webhook mode: the real portal of BITRIX24_WEBHOOK_URL, or, when unset, a sandbox
 * whose every user has a webhook. Tests pass their own sandbox so they can inspect it; it is used in
 * webhook mode unless BITRIX24_MODE=app is set explicitly.
 */
export async function connectPortal(
  config: Config,
  logger: Logger,
  options: {
    sandbox?: SandboxPortal;
    /**
     * Whether application mode without a real portal starts a sandbox (the API); a worker or the CLI does
     * not: it reads the installed portal from the database.
     */
    startSandbox?: boolean;
    /** Application mode needs the database (token store) and the token cipher. */
    app?: { orm: MikroORM; cipher: TokenCipher; now?: () => number };
  } = {},
): Promise<PortalConnection> {
  const appMode = options.sandbox ? config.BITRIX24_MODE === 'app' : portalMode(config) === 'app';
  if (appMode && !config.SANDBOX_URL) {
    if (!options.app) throw new Error('application mode needs the database and the token key');
    // The application's keys name a real portal's application; without them, the sandbox is the portal.
    const sandbox =
      options.sandbox ??
      (config.BITRIX24_CLIENT_ID || options.startSandbox === false
        ? null
        : await createSandboxPortal({ port: config.SANDBOX_PORT }));
    return connectApp(config, logger, {
      ...options.app,
      sandbox,
      ownsSandbox: !options.sandbox && sandbox !== null,
    });
  }
  const limiter = config.BITRIX24_PLAN === 'enterprise' ? ENTERPRISE_PLAN : STANDARD_PLAN;
  const clientFor = (webhookUrl: string) =>
    new Bitrix24Client({ webhookUrl, limiter, logger: logger.child({ component: 'bitrix24' }) });

  if (config.BITRIX24_WEBHOOK_URL && !options.sandbox) {
    const client = clientFor(config.BITRIX24_WEBHOOK_URL);
    const ownerId = parseWebhookUrl(config.BITRIX24_WEBHOOK_URL, { allowInsecureHttp: true }).userId;
    const adminClients = new Map<number, Bitrix24Client>([[ownerId, client]]);
    for (const url of config.BITRIX24_ADMIN_WEBHOOK_URLS)
      adminClients.set(parseWebhookUrl(url).userId, clientFor(url));
    return assemble({
      kind: 'bitrix24',
      domain: new URL(client.endpoint.origin).host,
      client,
      asUser: (id) => adminClients.get(id),
      usersWithCredentials: async () => [...adminClients.keys()],
      applicationToken: async () => null,
      adminUserId: ownerId,
      sandbox: null,
      close: async () => {},
    });
  }

  if (config.SANDBOX_URL && !options.sandbox) return attachToSandbox(config.SANDBOX_URL, clientFor);

  const owned = !options.sandbox;
  const sandbox = options.sandbox ?? (await createSandboxPortal({ port: config.SANDBOX_PORT }));
  const adminUserId = 1;
  const client = clientFor(sandbox.webhookUrl(adminUserId));
  // On the sandbox every user has a webhook of their own, as any portal user can create one.
  const perUser = new Map<number, Bitrix24Client>();
  const asUser = (id: number) => {
    if (!sandbox.state.users.has(id)) return undefined;
    const known = perUser.get(id);
    if (known) return known;
    const created = clientFor(sandbox.webhookUrl(id));
    perUser.set(id, created);
    return created;
  };
  return assemble({
    kind: 'sandbox',
    domain: sandbox.domain,
    client,
    asUser,
    usersWithCredentials: async () => [...sandbox.state.users.keys()],
    applicationToken: async () => sandbox.applicationToken,
    adminUserId,
    sandbox,
    close: async () => {
      if (owned) await sandbox.close();
    },
  });
}

/** Every connection verifies administrators the same way: through each one's own credentials. */
function assemble(
  parts: Omit<PortalConnection, 'directory' | 'credentialsFor' | 'credentialStatus' | 'mode'> &
    Partial<Pick<PortalConnection, 'credentialsFor'>>,
): PortalConnection {
  const credentialsFor = parts.credentialsFor ?? (async (id: number) => parts.asUser(id));
  // Webhook credentials do not expire: we hold one or we do not.
  const credentialStatus = async (id: number): Promise<CredentialStatus> =>
    (await credentialsFor(id))
      ? { state: 'usable' }
      : { state: 'missing', reason: `no credentials of user ${id} are configured (incoming webhook mode)` };
  return {
    ...parts,
    mode: 'webhook',
    credentialsFor,
    credentialStatus,
    directory: new RestPortalDirectory(parts.client, new AdminVerifier(credentialsFor)),
  };
}

/** A sandbox in another process (see AttachedSandbox): it says what we need at /_sandbox/info. */
async function attachToSandbox(
  url: string,
  clientFor: (webhookUrl: string) => Bitrix24Client,
): Promise<PortalConnection> {
  const attached = await AttachedSandbox.attach(url, clientFor);
  const adminUserId = 1;
  const client = attached.clientOf(adminUserId);
  if (!client) throw new Error(`the sandbox at ${attached.base} has no user ${adminUserId}`);
  return assemble({
    kind: 'sandbox',
    domain: attached.domain,
    client,
    asUser: (id) => attached.clientOf(id),
    credentialsFor: (id) => attached.credentialsFor(id),
    usersWithCredentials: async () => attached.knownUserIds(),
    applicationToken: (options) => attached.applicationToken(options),
    adminUserId,
    sandbox: null,
    close: async () => {},
  });
}
