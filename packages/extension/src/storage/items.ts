import type { Role } from '@b24-gdpr/shared';
import { storage } from 'wxt/utils/storage';
import type { QueuedEvent, SignedInUser } from '../messaging/protocol.ts';

/**
 * Everything the extension keeps, in one place. `local:` items stay on this machine; the token is
 * read only by the background worker.
 */
export const apiUrlItem = storage.defineItem<string | null>('local:apiUrl', { fallback: null });
export const tokenItem = storage.defineItem<string | null>('local:token', { fallback: null });
export const userItem = storage.defineItem<SignedInUser | null>('local:user', { fallback: null });
/** Self-hosted portal origins the user granted from the options page. */
export const portalOriginsItem = storage.defineItem<string[]>('local:portalOrigins', { fallback: [] });
/** Edits seen in pages, waiting for `recordEvents`. */
export const eventQueueItem = storage.defineItem<QueuedEvent[]>('local:eventQueue', { fallback: [] });
/** The signed-in user's roles as `me` last said (re-read whenever the popup opens). */
export const rolesItem = storage.defineItem<Role[]>('local:roles', { fallback: [] });
/** Events dropped because the queue was full (oldest first), so the loss is at least counted. */
export const eventQueueDroppedItem = storage.defineItem<number>('local:eventQueueDropped', { fallback: 0 });
/** Failed flushes in a row; the retry alarm waits longer after each (exponential backoff). */
export const eventQueueFailuresItem = storage.defineItem<number>('local:eventQueueFailures', { fallback: 0 });
/** Per portal origin: an admin clicked "Authorize" and the next page should show someone else. */
export const impersonationIntentsItem = storage.defineItem<Record<string, ImpersonationIntent>>(
  'local:impersonationIntents',
  { fallback: {} },
);
/** Per portal origin: the impersonation session reported to the API and not ended yet. */
export const impersonationSessionsItem = storage.defineItem<Record<string, ActiveImpersonation>>(
  'local:impersonationSessions',
  { fallback: {} },
);

/** Impersonation sessions (ids) the impersonated employee has seen the notice of and dismissed. */
export const acknowledgedImpersonationsItem = storage.defineItem<string[]>(
  'local:acknowledgedImpersonations',
  {
    fallback: [],
  },
);
/**
 * Per post/message (`post:45`, `message:1202`, prefixed by portal origin): SHA-256 of the text this
 * browser last saw, so a changed text is reported as an edit. Bounded (oldest dropped), see
 * src/content/seen-texts.ts.
 */
export const seenTextsItem = storage.defineItem<Record<string, string>>('local:seenTexts', { fallback: {} });

export interface ImpersonationIntent {
  adminUserId: number;
  targetUserId: number;
  /** The admin's own session key before the switch; a page still showing it is not the new session. */
  sessionKey: string | null;
  /** Epoch milliseconds; an intent older than two minutes is ignored. */
  at: number;
}

export interface ActiveImpersonation {
  sessionId: string;
  adminUserId: number;
  impersonatedUserId: number;
  sessionKey: string;
  adminName: string | null;
  impersonatedName: string | null;
}
/** Impersonation sessions whose end could not be reported (API unreachable); retried on the next page. */
export const impersonationEndsItem = storage.defineItem<string[]>('local:impersonationEnds', {
  fallback: [],
});
