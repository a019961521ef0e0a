import { PROGRESS_PORT, type ProgressRequest, type ProgressUpdate } from '../messaging/progress.ts';

/**
 * Follows a data-subject request's progress through the background's progress port. Returns a
 * function that stops following (the panel unmounting), which also ends the API stream.
 */
export function followProgress(requestId: string, onUpdate: (update: ProgressUpdate) => void): () => void {
  const port = browser.runtime.connect({ name: PROGRESS_PORT });
  let ended = false;
  port.onMessage.addListener((message: ProgressUpdate) => {
    if (!ended) onUpdate(message);
  });
  port.onDisconnect.addListener(() => {
    if (!ended) onUpdate({ type: 'done' });
    ended = true;
  });
  port.postMessage({ requestId } satisfies ProgressRequest);
  return () => {
    ended = true;
    port.disconnect();
  };
}
