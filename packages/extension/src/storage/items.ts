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
