import type { AddressInfo } from 'node:net';
import { requestBody, type TypedDocumentNode } from '@b24-gdpr/shared/graphql';
import { type ServerType, serve } from '@hono/node-server';
import { createLogger } from '../../packages/api/src/config/logger.ts';
import { createHttpApp } from '../../packages/api/src/http/app.ts';
import { installInSandbox } from '../../packages/api/src/modules/app/sandbox-app.ts';
import { createGraphQLServer } from '../../packages/api/src/yoga.ts';
import { startTestApi, type TestApi } from '../../packages/api/test/support/api.ts';

/** One GraphQL request as the API received it over HTTP (the extension's, in these tests). */
export interface LoggedOperation {
  operationName: string | null;
  query: string;
  variables: Record<string, unknown>;
  at: number;
}

export interface Stack {
  /** The in-process test API (services, sandbox portal, `gql` without HTTP) behind the port. */
  api: TestApi;
  /** `http://127.0.0.1:PORT`, what the extension is told to use. */
  apiUrl: string;
  /** Every GraphQL request that came in over HTTP, oldest first. */
  operations: LoggedOperation[];
  /**
   * Runs one of the shared documents as a portal user (a fresh token), in-process, and returns its
   * data; GraphQL errors throw. How a test checks what the API stored.
   */
  query<R, V>(userId: number, document: TypedDocumentNode<R, V>, variables: V): Promise<R>;
  /** Requests whose document asks for `field` at the top level (e.g. `editSummaries`). */
  requestsFor(field: string): LoggedOperation[];
  /** Closes the API's port (connections dropped): the extension sees the API down. */
  stopHttp(): Promise<void>;
  /** Listens again on the same port. */
  startHttp(): Promise<void>;
  /** Application mode: our application's id on the sandbox portal (its page is `/marketplace/app/<id>/`). */
  appId(): number;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Application mode: our Bitrix24 application installed on the sandbox portal, as under `pnpm start`. */
  app?: boolean;
}

/**
 * The API on a fresh database (`DATABASE_URL`'s server in CI, PGlite otherwise) with its jobs and the
 * sandbox portal and its pages, listening on 127.0.0.1 so a browser reaches both. Requests are
 * counted here, on the server, so a test counts what actually arrived.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const api = await startTestApi(options.app ? { env: { BITRIX24_MODE: 'app' } } : {});
  const app = createHttpApp(api.services, createGraphQLServer(createLogger('silent', false)));
  const operations: LoggedOperation[] = [];

  const handle = async (request: Request, env: unknown): Promise<Response> => {
    if (request.method === 'POST' && new URL(request.url).pathname === '/graphql') {
      const body = (await request
        .clone()
        .json()
        .catch(() => null)) as {
        query?: string;
        operationName?: string;
        variables?: Record<string, unknown>;
      } | null;
      if (body?.query) {
        operations.push({
          operationName: body.operationName ?? null,
          query: body.query,
          variables: body.variables ?? {},
          at: Date.now(),
        });
      }
    }
    return app.fetch(request, env);
  };

  let server: ServerType | null = null;
  let port = 0;
  const startHttp = () =>
    new Promise<void>((resolve, reject) => {
      const s = serve({ fetch: handle, hostname: '127.0.0.1', port }, (info: AddressInfo) => {
        port = info.port;
        resolve();
      });
      s.once('error', reject);
      server = s;
    });
  const stopHttp = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = null;
      if (!s) return resolve();
      s.close(() => resolve());
      // Keep-alive connections would otherwise keep answering: the API is down for everyone.
      (s as { closeAllConnections?: () => void }).closeAllConnections?.();
    });

  await startHttp();
  const tokens = new Map<number, Promise<string>>();
  const tokenFor = (userId: number) => {
    const known = tokens.get(userId);
    if (known) return known;
    const issued = api.tokenFor(userId);
    tokens.set(userId, issued);
    return issued;
  };
  const apiUrl = `http://127.0.0.1:${port}`;
  // Export download links and portal event handlers point here, as they do under `pnpm start`.
  api.services.urls.public = apiUrl;
  // As `pnpm start` does: the sandbox registers our application and installs it (ONAPPINSTALL to us).
  const application = api.services.portal.app;
  if (options.app && application)
    await installInSandbox(api.portal, application, apiUrl, api.services.logger);
  const appId = () => {
    const found = api.portal.apps.list().find((a) => a.name === 'b24-gdpr');
    if (!found) throw new Error('the application is not installed (startStack({ app: true }))');
    return found.id;
  };

  return {
    api,
    apiUrl,
    operations,
    async query(userId, document, variables) {
      const { query, variables: vars } = requestBody(document, variables);
      const answer = await api.gql(query, vars as Record<string, unknown>, { token: await tokenFor(userId) });
      if (answer.errors?.length || !answer.data)
        throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors)}`);
      return answer.data as never;
    },
    requestsFor: (field) =>
      operations.filter((op) => new RegExp(`[{\\s]${field}\\s*[({]`).test(op.query.replace(/#.*$/gm, ''))),
    stopHttp,
    startHttp,
    appId,
    async close() {
      await stopHttp();
      await api.close();
    },
  };
}
