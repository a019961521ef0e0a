import type { AddressInfo } from 'node:net';
import { listenApi } from '../../src/http/node-listener.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

/** `editHistory` with each version's fields and its word diff, for one entity type. */
export const historyQuery = (entityType: 'POST' | 'TASK_COMMENT') => `query ($id: String!) {
  editHistory(entityType: ${entityType}, entityId: $id) {
    ... on EditHistory { versions { version { version text editor source deleted } diff { kind text } } }
  }
}`;

export interface ListeningApi {
  api: TestApi;
  /** Where the sandbox posts its events: the API's own loopback address. */
  base: string;
  /** The events `bindHandlers` bound on start. */
  bound: string[];
  /** Waits until the sandbox delivered its events and the API processed them. */
  processed(): Promise<void>;
  /** Posts a form-encoded delivery to `/bitrix24/events`, as the portal would. */
  deliver(fields: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The API on a real loopback port, since the sandbox delivers events over HTTP, with its handlers bound
 * through `event.bind` as on connect.
 */
export async function startListeningApi(): Promise<ListeningApi> {
  const api = await startTestApi({ jobs: false });
  const server = await listenApi(api.services, '127.0.0.1', 0);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.services.urls.public = base;
  const bound = await api.services.portalEvents.bindHandlers();
  return {
    api,
    base,
    bound,
    async processed() {
      await api.portal.events.flush();
      await api.services.portalEvents.settled();
      await api.services.portalEvents.drain();
    },
    deliver: (fields) =>
      fetch(`${base}/bitrix24/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      }),
    async close() {
      await api.services.portalEvents.settled();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close();
    },
  };
}
