import type { AddressInfo } from 'node:net';
import { type HttpBindings, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { inspectRouter } from './inspect/router.ts';
import { oauthRouter } from './oauth/router.ts';
import { pagesRouter } from './pages/router.ts';
import { restRouter } from './rest/router.ts';
import type { SandboxRuntime } from './runtime.ts';

/** The portal's routes: REST, the test-only inspection API, and the HTML pages. */
export function createApp(
  portal: SandboxRuntime,
  actions: Parameters<typeof inspectRouter>[1],
): Hono<{
  Bindings: HttpBindings;
}> {
  const app = new Hono<{ Bindings: HttpBindings }>({ strict: false });
  app.route('/', restRouter(portal));
  app.route('/', oauthRouter(portal));
  app.route('/_sandbox', inspectRouter(portal, actions));
  app.route('/', pagesRouter(portal));
  app.onError((err, c) => {
    portal.log(`unhandled: ${err.stack ?? err.message}`);
    return c.json({ error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error' }, 500);
  });
  return app;
}

export interface Listening {
  url: string;
  close(): Promise<void>;
}

export function listen(
  app: Hono<{ Bindings: HttpBindings }>,
  host: string,
  port: number,
): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
    server.once('error', reject);
  });
}
