import type { EntityManager } from '@mikro-orm/core';

/** An installed portal as the extension's sign-in needs it. */
export interface HandoffPortal {
  /** app_portal.id */
  id: string;
  /** `https://<domain>`: the origin the app frame's parent has and the extension's tab shows. */
  origin: string;
  /** The app's own page on the portal (`/marketplace/app/<app.info ID>/`), which frames our page. */
  appPageUrl: string;
}

export interface HandoffPortals {
  byOrigin(em: EntityManager, origin: string): Promise<HandoffPortal | null>;
}

/** Webhook mode: the application is installed nowhere, so there is no app page to sign in through. */
export const noAppPortals: HandoffPortals = { byOrigin: async () => null };
