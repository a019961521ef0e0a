import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

/**
 * A portal that installed the application (ONAPPINSTALL, BITRIX24-APPS.md §1.2), keyed by `member_id`.
 * The application token that signs the portal's later events is kept encrypted (TokenCipher, context
 * `portal:<id>:application_token`); uninstalling marks the row and sets when the purge job removes it.
 */
export const AppPortalSchema = defineEntity({
  name: 'AppPortal',
  tableName: 'app_portal',
  extends: BaseSchema,
  properties: {
    memberId: p.string().length(64).unique(),
    domain: p.string().length(255),
    /** `https://portal/rest/`: REST calls go to `<client_endpoint><method>`. */
    clientEndpoint: p.string().length(500),
    /** The authorization server's REST address; the token URL is `/oauth/token/` on it. */
    serverEndpoint: p.string().length(500),
    applicationTokenEnc: p.text(),
    scopes: p.array<string>().default([]),
    /** The app's status on the portal: L local, F free, D demo, T trial, P paid. */
    appStatus: p.string().length(2),
    languageId: p.string().length(10).nullable(),
    state: p.enum(['installed', 'uninstalled'] as const),
    /** The user whose tokens came with the install: an administrator (or an allowed user, Market option). */
    installedBy: p.integer().nullable(),
    installedAt: p.datetime(),
    uninstalledAt: p.datetime().nullable(),
    /** When the purge job deletes what remains of an uninstalled portal. */
    purgeAfter: p.datetime().nullable(),
  },
});

export class AppPortal extends AppPortalSchema.class {}
AppPortalSchema.setClass(AppPortal);
