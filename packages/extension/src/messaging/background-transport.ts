import type { ApiTransport } from '../api/transport.ts';
import { followProgress } from '../content/progress.ts';
import { sendMessage } from './protocol.ts';

/** The extension's way to the API: typed messages to the background worker, which adds the token. */
export const backgroundTransport: ApiTransport = {
  graphql: (call) => sendMessage('graphql', call),
  followProgress,
  downloadExport: (requestId) => sendMessage('downloadExport', { requestId }),
};
