import { backgroundTransport } from '../messaging/background-transport.ts';
import type { ProgressUpdate } from '../messaging/progress.ts';
import type { GraphQLCall, Outcome } from '../messaging/protocol.ts';

/**
 * How the shared UI (console tabs, the profile panel) reaches the API. In the extension it is the
 * background worker, which alone holds the token (src/messaging/background-transport.ts); on the
 * native pages inside Bitrix24 it is the page's own frame session (src/app-page/page-transport.ts).
 * The components never know which: they call `callApi`, `followProgress` and `downloadExport`.
 */
export interface ApiTransport {
  /** Runs one operation of src/api/operations.ts by name. */
  graphql(call: GraphQLCall): Promise<Outcome<unknown>>;
  /** Follows a data-subject request's progress; the returned function stops following. */
  followProgress(requestId: string, onUpdate: (update: ProgressUpdate) => void): () => void;
  /** Downloads a finished export with the token as a header, never in a URL. */
  downloadExport(requestId: string): Promise<Outcome<unknown>>;
}

let current: ApiTransport = backgroundTransport;

/** Called once by an entrypoint before it renders (the native pages' main.tsx); the extension keeps the default. */
export function setApiTransport(transport: ApiTransport): void {
  current = transport;
}

export const apiTransport = (): ApiTransport => current;
