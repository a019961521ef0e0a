import { ConfigError, loadConfig } from './config/config.ts';
import { createLogger } from './config/logger.ts';
import { KeyFileError } from './modules/keys/key-files.ts';
import { startApi } from './start.ts';

/** `pnpm start`: the API on the configured database and portal, or on the embedded defaults. */
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger(config.LOG_LEVEL);
const api = await startApi(config, logger).catch((error: unknown) => {
  // A key that is wrong or missing is the operator's to fix: one plain line, not a stack in JSON.
  if (error instanceof KeyFileError || error instanceof ConfigError) {
    logger.flush?.();
    console.error(`start-up failed: ${error.message}`);
  } else logger.fatal({ err: error }, 'start-up failed');
  process.exit(1);
});

logger.info(`GraphQL API and GraphiQL: ${api.url}/graphql`);
if (api.services.portal.sandbox) {
  logger.warn(
    `portal: SANDBOX, an emulated Bitrix24 at ${api.services.portal.sandbox.url} (no real portal configured; nothing here touches one)`,
  );
  logger.info(
    api.services.portal.mode === 'app'
      ? 'mode: application (OAuth): the sandbox installed our application; every user who opens a sandbox page hands us their token'
      : 'mode: incoming webhooks',
  );
  logger.info(`Sandbox pages: ${api.services.portal.sandbox.url}/auth/`);
  logger.info(
    `sandbox administrator token (user ${api.services.portal.adminUserId}): ${api.sandboxAdminToken}`,
  );
  logger.info(
    `try: curl -H 'authorization: Bearer ${api.sandboxAdminToken}' -H 'content-type: application/json' -d '{"query":"{ me { userId roles } }"}' ${api.url}/graphql`,
  );
} else {
  logger.info(`portal: ${api.services.portal.domain}`);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void api.close().then(() => {
      logger.info('stopped');
      logger.flush?.();
      process.exit(0);
    });
  });
}
