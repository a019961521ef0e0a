import { EndImpersonationDocument, StartImpersonationDocument } from '@b24-gdpr/shared/graphql';
import type { ApiClient } from '../api/client.ts';
import { fail, ok } from '../api/outcome.ts';
import type { ActingAs, Outcome, PageIdentity } from '../messaging/protocol.ts';
import {
  type ActiveImpersonation,
  impersonationEndsItem,
  impersonationIntentsItem,
  impersonationSessionsItem,
} from '../storage/items.ts';
import { lookUpUserName } from './user-names.ts';

/** An "Authorize" click counts for the page load that follows it, not for later ones. */
export const INTENT_TTL_MS = 2 * 60_000;

export interface AuthorizeIntentMessage {
  portalOrigin: string;
  adminUserId: number;
  targetUserId: number;
  sessionKey: string | null;
}

/**
 * Per portal origin: admin clicked "Authorize" (intent) → a page shows another user with a new
 * session key (start reported, banner shown on every page of that session) → the session key changes
 * or the user becomes a guest (end reported). Start and end go to the API with the extension user's
 * token: the administrator signed into the extension is the actor.
 */
export function createImpersonationTracker(api: ApiClient, now: () => number = Date.now) {
  // Tabs report their pages concurrently; one transition at a time keeps a session from starting twice.
  let chain: Promise<unknown> = Promise.resolve();
  const serialised = <T>(step: () => Promise<T>): Promise<T> => {
    const next = chain.then(step);
    chain = next.catch(() => undefined);
    return next;
  };

  async function authorizeIntent(data: AuthorizeIntentMessage): Promise<void> {
    if (!isOrigin(data.portalOrigin) || !isUserId(data.adminUserId) || !isUserId(data.targetUserId)) return;
    await serialised(async () => {
      const intents = await impersonationIntentsItem.getValue();
      intents[data.portalOrigin] = {
        adminUserId: data.adminUserId,
        targetUserId: data.targetUserId,
        sessionKey: isSessionKey(data.sessionKey) ? data.sessionKey : null,
        at: now(),
      };
      await impersonationIntentsItem.setValue(intents);
    });
  }

  function pageIdentity(identity: PageIdentity): Promise<{ actingAs: ActingAs | null }> {
    return serialised(async () => {
      if (!isOrigin(identity.portalOrigin)) return { actingAs: null };
      await reportPendingEnds();
      const origin = identity.portalOrigin;
      const userId = isUserId(identity.userId) ? identity.userId : null;
      const sessionKey = isSessionKey(identity.sessionKey) ? identity.sessionKey : null;

      const active = (await impersonationSessionsItem.getValue())[origin];
      if (active) {
        if (userId !== null && sessionKey === active.sessionKey) return { actingAs: actingAs(active) };
        await end(origin, active);
      }

      const intents = await impersonationIntentsItem.getValue();
      const intent = intents[origin];
      if (!intent) return { actingAs: null };
      if (now() - intent.at > INTENT_TTL_MS) {
        await forgetIntent(origin);
        return { actingAs: null };
      }
      // Still the admin's own page (the switch has not happened yet): keep waiting.
      if (
        userId === null ||
        sessionKey === null ||
        userId === intent.adminUserId ||
        sessionKey === intent.sessionKey
      ) {
        return { actingAs: null };
      }
      await forgetIntent(origin);
      const started = await api.execute(StartImpersonationDocument, {
        impersonatedUserId: userId,
        sessionKey,
      });
      if (!started.ok) return { actingAs: null };
      const [adminName, impersonatedName] = await Promise.all([
        lookUpUserName(api, intent.adminUserId),
        lookUpUserName(api, userId),
      ]);
      const session: ActiveImpersonation = {
        sessionId: started.value.startImpersonation.id,
        adminUserId: intent.adminUserId,
        impersonatedUserId: userId,
        sessionKey,
        adminName,
        impersonatedName,
      };
      const sessions = await impersonationSessionsItem.getValue();
      sessions[origin] = session;
      await impersonationSessionsItem.setValue(sessions);
      return { actingAs: actingAs(session) };
    });
  }

  /** The banner's "end" link: reports the end; the content script then logs the portal session out. */
  function endImpersonation(data: { portalOrigin: string }): Promise<Outcome<null>> {
    return serialised(async () => {
      const active = isOrigin(data.portalOrigin)
        ? (await impersonationSessionsItem.getValue())[data.portalOrigin]
        : undefined;
      if (!active)
        return fail({ kind: 'notFound', message: 'No impersonation session is open on this portal.' });
      return end(data.portalOrigin, active);
    });
  }

  /** Forgets the session even when the API cannot be told: the next page must not show a stale banner. */
  async function end(origin: string, active: ActiveImpersonation): Promise<Outcome<null>> {
    const sessions = await impersonationSessionsItem.getValue();
    delete sessions[origin];
    await impersonationSessionsItem.setValue(sessions);
    const ended = await api.execute(EndImpersonationDocument, { id: active.sessionId });
    if (!ended.ok && ended.error.kind === 'network') {
      await impersonationEndsItem.setValue([...(await impersonationEndsItem.getValue()), active.sessionId]);
    }
    return ended.ok ? ok(null) : ended;
  }

  /** Ends that could not be reported when they happened; each is tried until the API can be reached. */
  async function reportPendingEnds(): Promise<void> {
    const pending = await impersonationEndsItem.getValue();
    if (pending.length === 0) return;
    const unreported: string[] = [];
    for (const sessionId of pending) {
      const ended = await api.execute(EndImpersonationDocument, { id: sessionId });
      if (!ended.ok && ended.error.kind === 'network') unreported.push(sessionId);
    }
    await impersonationEndsItem.setValue(unreported);
  }

  async function forgetIntent(origin: string): Promise<void> {
    const intents = await impersonationIntentsItem.getValue();
    delete intents[origin];
    await impersonationIntentsItem.setValue(intents);
  }

  return { authorizeIntent, pageIdentity, endImpersonation };
}

const actingAs = (s: ActiveImpersonation): ActingAs => ({
  sessionId: s.sessionId,
  adminUserId: s.adminUserId,
  impersonatedUserId: s.impersonatedUserId,
  adminName: s.adminName,
  impersonatedName: s.impersonatedName,
});

// The messages come from content scripts that read them off portal pages: check every field.
const isUserId = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;
const isSessionKey = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
function isOrigin(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}
