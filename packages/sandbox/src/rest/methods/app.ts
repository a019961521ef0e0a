import { methodError } from '../errors.ts';
import { type MethodDef, ok } from '../registry.ts';

/**
 * `profile` (api-reference/common/users/profile.md): the caller's ID (a string), ADMIN (as
 * `user.admin`), NAME, LAST_NAME, PERSONAL_GENDER, TIME_ZONE ('' when unset) and PERSONAL_PHOTO only
 * when a photo was uploaded. Scope `basic`, any user, webhooks too.
 */
const profile: MethodDef = {
  name: 'profile',
  handler: ({ caller }) => {
    if (!caller.ACTIVE) return ok({});
    return ok({
      ID: String(caller.ID),
      ADMIN: caller.isAdmin,
      NAME: caller.NAME,
      LAST_NAME: caller.LAST_NAME,
      PERSONAL_GENDER: caller.PERSONAL_GENDER,
      TIME_ZONE: caller.TIME_ZONE,
      ...(caller.PERSONAL_PHOTO !== '' ? { PERSONAL_PHOTO: caller.PERSONAL_PHOTO } : {}),
    });
  },
};

/**
 * `app.info` (api-reference/common/system/app-info.md): the calling application; outside an
 * application context 400 ACCESS_DENIED "Access denied! Application context required".
 */
const appInfo: MethodDef = {
  name: 'app.info',
  handler: ({ auth }) => {
    if (auth.type !== 'oauth')
      throw methodError('ACCESS_DENIED', 'Access denied! Application context required', 400);
    const app = auth.app;
    return ok({
      ID: app.id,
      CODE: app.code,
      VERSION: /^\d+$/.test(app.version) ? Number(app.version) : app.version,
      STATUS: app.status,
      INSTALLED: app.installed,
      PAYMENT_EXPIRED: 'N',
      DAYS: null,
      LANGUAGE_ID: 'en',
      LICENSE: 'en_ent',
      LICENSE_TYPE: 'ent',
      LICENSE_FAMILY: 'ent',
    });
  },
};

export const appMethods: MethodDef[] = [profile, appInfo];
