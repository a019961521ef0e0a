import type { EntityManager } from '@mikro-orm/core';
import type { AppServices } from '../../app-services.ts';

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

/**
 * The installed portal at `origin` (application mode; webhook mode has none, so the sign-in through the
 * app page answers "not found" there). Its app page is `/marketplace/app/<ID>/`, the ID `app.info`
 * gives with the administrator's token, asked once per process.
 */
export function installedPortals(services: Pick<AppServices, 'portal'>): HandoffPortals {
  const appIds = new Map<string, Promise<string>>();
  return {
    async byOrigin(_em, origin) {
      const app = services.portal.app;
      const portal = app ? await app.portals.current() : null;
      if (!portal || new URL(portal.clientEndpoint).origin !== origin) return null;
      let appId = appIds.get(portal.id);
      if (!appId) {
        appId = services.portal.client.call('app.info').then((info) => String(info.ID));
        appIds.set(portal.id, appId);
        appId.catch(() => appIds.delete(portal.id));
      }
      return { id: portal.id, origin, appPageUrl: new URL(`/marketplace/app/${await appId}/`, origin).href };
    },
  };
}
