import type { AppServices } from './app-services.ts';
import { type Config, publicUrl, redactUrl } from './config/config.ts';
import type { Logger } from './config/logger.ts';
import { openDatabase } from './db/index.ts';
import { listenApi } from './http/node-listener.ts';
import { startJobWorkers } from './jobs/job-workers.ts';
import { installInSandbox } from './modules/app/sandbox-app.ts';
import { ApiToken } from './modules/identity/api-token.entity.ts';
import { advertise, advertiseSandboxApp, recordWitnesses } from './runtime-files.ts';
import { wireServices } from './wire-services.ts';

export interface RunningApi {
  url: string;
  services: AppServices;
  /** Present only when no real portal is configured. */
  sandboxAdminToken: string | null;
  close(): Promise<void>;
}

const SANDBOX_TOKEN_LABEL = 'sandbox administrator (pnpm start)';

/** Opens storage, connects the portal, and listens. Every resource opened is closed by close(), in reverse. */
export async function startApi(config: Config, logger: Logger): Promise<RunningApi> {
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse())
      await close().catch((err: unknown) => logger.error({ err }, 'close failed'));
  };
  try {
    const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, logger });
    closers.push(() => db.close());
    logger.info(
      db.kind === 'pglite'
        ? `database: embedded PostgreSQL (PGlite) in ${config.DATA_DIR}/pglite`
        : `database: PostgreSQL at ${redactUrl(config.DATABASE_URL ?? '')}`,
    );

    // A new token key is written only once everything below has worked (a failed start leaves none).
    const keyWrites: (() => Promise<void>)[] = [];
    const services = await wireServices(config, logger, db, closers, { createKeys: true, keyWrites });
    const { portal, boss } = services;
    const server = await listenApi(services, config.HOST, config.PORT);
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const address = server.address();
    const url = publicUrl(config, typeof address === 'object' && address ? address.port : config.PORT);
    services.urls.public = url;
    await services.exports.ensureDir();
    // The native pages' bundle: built now when missing or stale, so the first frame does not wait.
    void services.pageBundle
      .prepare()
      .catch((err: unknown) =>
        logger.warn({ err }, 'could not build the native pages (app-pages/bundle.ts)'),
      );
    // Workers attach to a webhook-mode sandbox by its URL; in application mode they read the installed
    // portal from the database and need only the keys of the application registered in the sandbox.
    closers.push(
      await advertise(
        config,
        db.kind === 'pglite' ? db.url : null,
        portal.mode === 'webhook' ? (portal.sandbox?.url ?? null) : null,
      ),
    );
    if (portal.app && portal.sandbox) {
      const handlers = config.APP_PUBLIC_URL ?? url;
      const keys = await installInSandbox(portal.sandbox, portal.app, handlers, logger);
      closers.push(await advertiseSandboxApp(config.DATA_DIR, keys));
    }
    await recordWitnesses(config);

    if (config.JOBS_IN_PROCESS) {
      const workers = await startJobWorkers(services, boss);
      closers.push(() => workers.stop());
    }

    // Live Feed and task comment events: bound once per handler URL (event.get first). A real portal may
    // refuse event.bind through a webhook (it needs an application context): then say so and go on.
    await services.portalEvents
      .bindHandlers()
      .then((bound) => bound.length > 0 && logger.info({ bound }, 'portal event handlers bound'))
      .catch((err: unknown) => logger.warn({ err }, 'could not bind portal event handlers'));

    const sandboxAdminToken = portal.sandbox
      ? await issueSandboxAdminToken(services, portal.adminUserId || 1)
      : null;
    for (const write of keyWrites) await write();
    return { url, services, sandboxAdminToken, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The sandbox is for trying things out: hand its administrator a fresh token, revoking the previous one. */
async function issueSandboxAdminToken(services: AppServices, adminUserId: number): Promise<string> {
  const em = services.orm.em.fork();
  await em.nativeUpdate(ApiToken, { label: SANDBOX_TOKEN_LABEL, revokedAt: null }, { revokedAt: new Date() });
  const { token } = await services.tokens.issueUserToken(em, adminUserId, SANDBOX_TOKEN_LABEL, null);
  return token;
}
