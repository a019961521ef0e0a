import type { AddressInfo } from 'node:net';
import type { App } from '@b24-gdpr/sandbox';
import { listenApi } from '../../src/http/node-listener.ts';
import type { AppRuntime } from '../../src/modules/app/app-connection.ts';
import { installInSandbox } from '../../src/modules/app/sandbox-app.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

export interface AppApi {
  api: TestApi;
  app: AppRuntime;
  /** Where the sandbox posts events and frames: the API's own loopback address. */
  base: string;
  /** The test's clock (ms); move it forward instead of sleeping. */
  clock: { ms: number };
  /** Our application as the sandbox registered it (after `install`). */
  registered(): App;
  install(): Promise<void>;
  /** A PAGE_BACKGROUND_WORKER frame of the user, posted by the sandbox as a browser would. */
  backgroundFrame(userId: number): Promise<{ status: number | null }>;
  close(): Promise<void>;
}

/** The API in application mode on a loopback port, against a sandbox that delivers events and frames. */
export async function startAppApi(env: Record<string, string> = {}): Promise<AppApi> {
  const clock = { ms: Date.now() };
  const api = await startTestApi({ jobs: false, env: { BITRIX24_MODE: 'app', ...env }, now: () => clock.ms });
  const server = await listenApi(api.services, '127.0.0.1', 0);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.services.urls.public = base;
  const app = api.services.portal.app;
  if (!app) throw new Error('not in application mode');
  const registered = () => {
    const found = api.portal.apps.list().find((a) => a.name === 'b24-gdpr');
    if (!found) throw new Error('the application is not registered');
    return found;
  };
  return {
    api,
    app,
    base,
    clock,
    registered,
    async install() {
      await installInSandbox(api.portal, app, base, api.services.logger);
    },
    async backgroundFrame(userId) {
      const result = await api.portal.apps.openFrame(registered().id, {
        userId,
        placement: 'PAGE_BACKGROUND_WORKER',
      });
      await app.background?.settled();
      return { status: result.status };
    },
    async close() {
      await app.background?.settled();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close();
    },
  };
}
