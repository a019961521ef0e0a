import type { SandboxPortal } from '@b24-gdpr/sandbox';
import { type AppServices, createAppServices } from './app-services.ts';
import type { Config } from './config/config.ts';
import type { Logger } from './config/logger.ts';
import type { Database } from './db/index.ts';
import { startBoss } from './jobs/boss.ts';
import { openKeys } from './modules/keys/open-keys.ts';
import { openTokenCipher } from './modules/keys/token-key.ts';
import { connectPortal } from './modules/portal/connect.ts';
import { readSandboxApp } from './runtime-files.ts';

/**
 * The services of a process (the API, a worker, the CLI) on an open database: connects the portal, loads
 * the keys (app secret and signing keys: files or environment, `modules/keys/`) and starts pg-boss. Each resource it opens gets its closer pushed onto `closers` as soon
 * as it is open, so a failure part-way leaves the caller able to close what was opened. The portal and
 * pg-boss are on the services (`services.portal`, `services.boss`). Tests pass their sandbox portal in
 * `options`.
 */
export async function wireServices(
  config: Config,
  logger: Logger,
  db: Pick<Database, 'orm' | 'url' | 'kind'>,
  closers: (() => Promise<unknown>)[],
  options: {
    sandbox?: SandboxPortal;
    /** The API makes missing keys (and moves old ones out of the database); workers and the CLI only read them. */
    createKeys?: boolean;
    /** New keys' writes, run by the API once start-up has succeeded (openTokenCipher's deferWrites). */
    keyWrites?: (() => Promise<void>)[];
    /** A settable clock for application mode (admin re-check TTL, token times); tests only. */
    now?: () => number;
  } = {},
): Promise<AppServices> {
  const { secret, signing } = await openKeys(config, {
    em: db.orm.em.fork(),
    create: options.createKeys === true,
  });
  // The stored portal tokens' key: checked before anything reads a token (a wrong key stops the start).
  const cipher = await openTokenCipher(config, {
    em: db.orm.em.fork(),
    create: options.createKeys === true,
    ...(options.keyWrites ? { deferWrites: options.keyWrites } : {}),
  });
  const portal = await connectPortal(config, logger, {
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    startSandbox: options.createKeys === true,
    app: { orm: db.orm, cipher, ...(options.now ? { now: options.now } : {}) },
  });
  closers.push(() => portal.close());
  if (portal.app && !portal.app.credentials.current)
    portal.app.credentials.current = await readSandboxApp(config.DATA_DIR);
  const boss = await startBoss(db.url, db.kind, logger);
  closers.push(() => boss.stop({ graceful: true, timeout: 5_000 }));
  return createAppServices({
    config,
    logger,
    orm: db.orm,
    databaseKind: db.kind,
    portal,
    secret,
    signing,
    boss,
  });
}
