import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSandboxPortal, type SandboxOptions, type SandboxPortal } from '@b24-gdpr/sandbox';
import type { AppServices } from '../../src/app-services.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/config/logger.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { startJobWorkers } from '../../src/jobs/job-workers.ts';
import { wireServices } from '../../src/wire-services.ts';
import { createGraphQLServer } from '../../src/yoga.ts';
import { createTestDatabase } from './database.ts';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
}

export interface TestApi {
  portal: SandboxPortal;
  /** The test database's URL, for worker processes the test starts. */
  databaseUrl: string;
  services: AppServices;
  /** Sends a request through every HTTP layer (Hono, yoga, armor, CSRF) without opening a port. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>;
  /** A token for a portal user, issued by the real token service (the sign-in flow has its own tests). */
  tokenFor(userId: number): Promise<string>;
  close(): Promise<void>;
}

/** The API wired as in production, on a fresh database and a sandbox portal the test can inspect. */
export async function startTestApi(
  options: {
    sandbox?: SandboxOptions;
    env?: Record<string, string>;
    jobs?: boolean;
    /** A settable clock for application mode (admin re-check, token times). */
    now?: () => number;
  } = {},
): Promise<TestApi> {
  const portal = await createSandboxPortal({ rateLimit: false, ...options.sandbox });
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'b24-api-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    DSR_SWEEP_SECONDS: '1',
    ...options.env,
  });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', false);
  const closers: (() => Promise<unknown>)[] = [];
  const services = await wireServices(config, logger, db, closers, {
    sandbox: portal,
    createKeys: true,
    ...(options.now ? { now: options.now } : {}),
  });
  services.urls.public = 'http://api.test';
  await services.exports.ensureDir();
  // Jobs run in this process, as they do under `pnpm start`, unless a test drives workers itself.
  const workers = options.jobs === false ? null : await startJobWorkers(services, services.boss);
  const app = createHttpApp(services, createGraphQLServer(logger));

  const fetch = async (path: string, init?: RequestInit) =>
    app.fetch(new Request(`http://api.test${path}`, init));
  return {
    portal,
    databaseUrl: db.url,
    services,
    fetch,
    async gql(query, variables, opts = {}) {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...opts.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
      return { status: response.status, ...body } as GraphQLResponse<any>;
    },
    async tokenFor(userId) {
      const { token } = await services.tokens.issueUserToken(services.orm.em.fork(), userId, 'test', null);
      return token;
    },
    async close() {
      await workers?.stop();
      for (const close of closers.reverse()) await close();
      await db.close();
      await portal.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `read` returns a value; bounded, so a missing value fails the test instead of hanging it. */
export async function eventually<T>(
  read: () => T | undefined | Promise<T | undefined>,
  what: string,
  tries = 100,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
