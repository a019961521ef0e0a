import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

/**
 * Users the portal said were administrators (`profile.ADMIN` with their own token). No REST method lists
 * a portal's administrators (BITRIX24-APPS.md §2), so this table is how the console knows them: `admin` is
 * the last answer, `checkedAt` when it was asked, `lastAdminAt` when it was last true.
 */
export const AppAdminSchema = defineEntity({
  name: 'AppAdmin',
  tableName: 'app_admin',
  extends: BaseSchema,
  properties: {
    portalId: p.uuid().index(),
    userId: p.integer(),
    admin: p.boolean(),
    checkedAt: p.datetime(),
    firstAdminAt: p.datetime(),
    lastAdminAt: p.datetime(),
  },
  uniques: [{ properties: ['portalId', 'userId'] }],
});

export class AppAdmin extends AppAdminSchema.class {}
AppAdminSchema.setClass(AppAdmin);
