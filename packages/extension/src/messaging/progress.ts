import type { DataSubjectRequestProgressDocument, ResultOf } from '@b24-gdpr/shared/graphql';
import type { OutcomeError } from './protocol.ts';

/**
 * The long-lived `browser.runtime.connect({ name: PROGRESS_PORT })` port that streams a data-subject
 * request's progress from the API's subscription to a content script. The content script posts one
 * {@link ProgressRequest}; the background answers with {@link ProgressUpdate}s until the request is
 * finished (`done`) or fails (`error`). Disconnecting either side stops the stream.
 */
export const PROGRESS_PORT = 'progress';

export interface ProgressRequest {
  requestId: string;
}

/** The request as the subscription sends it (status, progress {step, done, total}, download). */
export type ProgressRequestState = ResultOf<
  typeof DataSubjectRequestProgressDocument
>['dataSubjectRequestProgress'];

export type ProgressUpdate =
  | { type: 'update'; request: ProgressRequestState }
  /** The stream ended: the request is finished, or the API closed it (connect again to resume). */
  | { type: 'done' }
  | { type: 'error'; error: OutcomeError };
