import type { Role } from '@b24-gdpr/shared';
import { defineExtensionMessaging } from '@webext-core/messaging';

/**
 * Every message between the extension's parts and its background worker. The background holds
 * the API token and is the only part that talks to the API; pages, popup, options and console ask
 * it through these typed messages, so the token never reaches a web page.
 */

/** A call that can fail in a way the user should read (bad code, API down, refused by policy). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: OutcomeError };

export interface OutcomeError {
  /**
   * `network` (API unreachable), `auth` (not signed in or token refused), `refused` (policy, role or
   * rate limit), `invalid` (bad input or code), `notFound` (no such request, user or session), `unknown`.
   */
  kind: 'network' | 'auth' | 'refused' | 'invalid' | 'notFound' | 'unknown';
  message: string;
  /** The policy rule that refused, when the API named one (`rateLimited` for a rate limit). */
  rule?: string;
  /** The input field an `invalid` error is about, when the API named one. */
  field?: string;
}

export interface SignedInUser {
  id: number;
  name: string;
}

/** What the popup, options page and content scripts need to know about who is signed in. */
export interface ExtensionSession {
  apiUrl: string | null;
  signedIn: boolean;
  user: SignedInUser | null;
  roles: Role[];
}

/** What a content script read off a Bitrix24 page (see src/bitrix24/readers). */
export interface PageIdentity {
  /** `location.origin` of the portal. */
  portalOrigin: string;
  /** `BX.message('USER_ID')`; null for guests. */
  userId: number | null;
  /** SHA-256 (hex) of `bitrix_sessid`; the raw token never leaves the page. */
  sessionKey: string | null;
}

/** An administrator acting as someone else, as the banner shows it. */
export interface ActingAs {
  sessionId: string;
  adminUserId: number;
  impersonatedUserId: number;
  adminName: string | null;
  impersonatedName: string | null;
}

/** A GraphQL operation by name (keys of src/api/operations.ts) and its variables. */
export interface GraphQLCall {
  operation: string;
  variables: Record<string, unknown>;
}

export interface ProtocolMap {
  /** What storage says; with `refresh` (the popup on open) user and roles are re-read with `me` first. */
  getSession(data?: { refresh?: boolean }): ExtensionSession;
  requestSignInCode(data: { apiUrl: string; login: string }): Outcome<null>;
  signIn(data: { login: string; code: string }): Outcome<ExtensionSession>;
  /**
   * Signs in through the app page of a Bitrix24 portal, with no code (src/background/app-sign-in.ts):
   * `portalUrl` may be empty, then the portal tab the user has open is used.
   */
  signInThroughPortal(data: { apiUrl: string; portalUrl: string }): Outcome<ExtensionSession>;
  /** Background → the portal tab's content script: carry the challenge into our frame, bring the code back. */
  runHandoff(data: {
    challenge: string;
    apiOrigin: string;
  }): Outcome<{ code: string; pageUserId: number | null }>;
  signOut(): ExtensionSession;
  /** Runs one operation of src/api/operations.ts with the stored token; callers use `callApi`. */
  graphql(data: GraphQLCall): Outcome<unknown>;
  /** Edits seen in a page: queued in extension storage and flushed with retries. */
  queueEvents(data: { events: QueuedEvent[] }): { queued: number };
  /** An admin clicked an "Authorize" link: remember who they were before the page changes. */
  authorizeIntent(data: {
    portalOrigin: string;
    adminUserId: number;
    targetUserId: number;
    sessionKey: string | null;
  }): void;
  /** Every page load reports who the page says is signed in; the answer says whether to show the banner. */
  pageIdentity(data: PageIdentity): { actingAs: ActingAs | null };
  /** Ends the current impersonation session reported for this portal. */
  endImpersonation(data: { portalOrigin: string }): Outcome<null>;
  /** Downloads a finished export through the API with the token (never a URL with it). */
  downloadExport(data: { requestId: string }): Outcome<{ downloadId: number }>;
  /**
   * Opens the console page at a route (e.g. `/audit/sessions/<id>`) in a new tab. A web page cannot
   * link to an extension page without web_accessible_resources, so content scripts ask the background.
   */
  openConsole(data: { path: string }): void;
  /** Downloads a weekly audit report (console, auditors and admins) with the token as a header. */
  downloadReport(data: { reportId: string }): Outcome<{ downloadId: number }>;
}

/** One event for `recordEvents`, with the idempotency key that makes a retried flush harmless. */
export interface QueuedEvent {
  idempotencyKey: string;
  action: string;
  occurredAt: string;
  targetType: string;
  targetId: string;
  sessionKey: string | null;
  metadata: Record<string, unknown>;
}

export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();
