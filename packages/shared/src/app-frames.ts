/**
 * The contract between the API's native pages inside Bitrix24 (packages/api/src/modules/app-pages)
 * and their bundle (packages/extension/src/app-page), and the extension's sign-in through them.
 */

/** Where the API serves the bundle built from packages/extension (`pnpm --filter @b24-gdpr/extension build:pages`). */
export const APP_PAGE_ASSETS_PATH = '/bitrix24/app/assets';
export const APP_PAGE_SCRIPT = 'page.js';
export const APP_PAGE_STYLES = 'page.css';

/** The `<script type="application/json">` element the shell carries the boot data in. */
export const APP_PAGE_BOOT_ELEMENT = 'b24-gdpr-boot';

/** Which frame the page is: the app's own page or one of the two profile placements. */
export const APP_PAGE_VIEWS = ['page', 'profile-menu', 'profile-toolbar'] as const;
export type AppPageView = (typeof APP_PAGE_VIEWS)[number];

export const APP_PAGE_LANGUAGES = ['en', 'de'] as const;
export type AppPageLanguage = (typeof APP_PAGE_LANGUAGES)[number];

/** What the server tells the bundle about the frame it verified. */
export interface AppPageBoot {
  view: AppPageView;
  lang: AppPageLanguage;
  /**
   * A short-lived API token for this frame's user (the frame session): the bundle's GraphQL calls
   * carry it. It lives only inside our frame's document, which the portal page cannot read.
   */
  token: string;
  /** Lets this frame answer the extension's sign-in for its own portal and user (signed, as short-lived). */
  handoffTicket: string;
  /** The viewer. */
  userId: number;
  /** Whose data the page is about: the card owner on USER_PROFILE_TOOLBAR, otherwise the viewer. */
  subjectUserId: number;
  isAdmin: boolean;
  /** `https://<DOMAIN>`: the only origin the frame accepts handoff messages from. */
  portalOrigin: string;
}

/** `AUTH_ID`'s LANG to one of ours: German for `de`, English for everything else. */
export const appPageLanguage = (lang: string | null | undefined): AppPageLanguage =>
  lang?.toLowerCase().startsWith('de') ? 'de' : 'en';

// ---- The extension's sign-in through the app page (see ARCHITECTURE.md, "Sign-in through the app page").

/** Content script → our frame (`postMessage(…, apiOrigin, [port])`): the challenge, and a port for the answer. */
export const HANDOFF_REQUEST = 'b24-gdpr:handoff';
/** Our frame → its parent: the frame is listening (carries nothing secret). */
export const HANDOFF_READY = 'b24-gdpr:frame-ready';
/** Our frame → the content script, on the transferred port only. */
export const HANDOFF_REPLY = 'b24-gdpr:handoff-reply';

export interface HandoffRequestMessage {
  tag: typeof HANDOFF_REQUEST;
  challenge: string;
}

export type HandoffReplyMessage =
  | { tag: typeof HANDOFF_REPLY; ok: true; code: string }
  | { tag: typeof HANDOFF_REPLY; ok: false; reason: string };

/** A PKCE S256 challenge: base64url of a SHA-256, 43 characters without padding. */
export const HANDOFF_CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** A PKCE verifier (RFC 7636 §4.1 length, base64url alphabet). */
export const HANDOFF_VERIFIER_PATTERN = /^[A-Za-z0-9_-]{43,128}$/;
/** A one-time handoff code as the API issues it. */
export const HANDOFF_CODE_PATTERN = /^b24h_[A-Za-z0-9_-]{43}$/;
