import { DataSubjectRequestProgressDocument, type ResultOf } from '@b24-gdpr/shared/graphql';
import type { Browser } from 'wxt/browser';
import type { ApiClient } from '../api/client.ts';
import { streamedResults } from '../api/sse.ts';
import { PROGRESS_PORT, type ProgressRequest, type ProgressUpdate } from '../messaging/progress.ts';

type Port = Browser.runtime.Port;

const KEEP_ALIVE_MS = 20_000;

/**
 * Serves `runtime.connect({ name: 'progress' })`: the first message names the request, the answer is
 * the API's progress subscription relayed as {@link ProgressUpdate}s. Either side disconnecting
 * aborts the API request, so a closed tab leaves no stream open.
 */
export function startProgressPort(api: ApiClient): void {
  browser.runtime.onConnect.addListener((port) => {
    if (port.name === PROGRESS_PORT) serveProgress(api, port);
  });
}

export function serveProgress(api: ApiClient, port: Port): void {
  const abort = new AbortController();
  let started = false;
  port.onDisconnect.addListener(() => abort.abort());
  port.onMessage.addListener((message: unknown) => {
    const requestId = (message as Partial<ProgressRequest> | null)?.requestId;
    if (started || typeof requestId !== 'string' || requestId.length > 100) return;
    started = true;
    const post = (update: ProgressUpdate) => {
      if (!abort.signal.aborted) port.postMessage(update);
    };
    // Chrome stops an idle worker after 30 s, open fetch or not; an extension API call resets that
    // timer, so a stream that is quiet for a while (a request awaiting confirmation) keeps running.
    const keepAlive = setInterval(() => {
      Promise.resolve()
        .then(() => browser.runtime.getPlatformInfo())
        .catch(() => undefined);
    }, KEEP_ALIVE_MS);
    abort.signal.addEventListener('abort', () => clearInterval(keepAlive), { once: true });
    relayProgress(api, requestId, post, abort.signal)
      .catch(() => {
        if (!abort.signal.aborted)
          post({ type: 'error', error: { kind: 'network', message: 'The progress stream broke.' } });
      })
      .finally(() => {
        clearInterval(keepAlive);
        if (!abort.signal.aborted) port.disconnect();
      });
  });
}

/** Streams one request's progress to `post` until it is finished, fails, or `signal` aborts. */
export async function relayProgress(
  api: ApiClient,
  requestId: string,
  post: (update: ProgressUpdate) => void,
  signal: AbortSignal,
): Promise<void> {
  const opened = await api.subscribe(DataSubjectRequestProgressDocument, { id: requestId }, signal);
  if (!opened.ok) return post({ type: 'error', error: opened.error });
  type Result = ResultOf<typeof DataSubjectRequestProgressDocument>;
  for await (const result of streamedResults<Result>(opened.value, signal)) {
    if (!result.ok) return post({ type: 'error', error: result.error });
    post({ type: 'update', request: result.value.dataSubjectRequestProgress });
  }
  if (!signal.aborted) post({ type: 'done' });
}
