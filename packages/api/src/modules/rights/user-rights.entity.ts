import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

/**
 * An employee's own rights to anonymise or erase their data, set by an administrator.
 * A user without a row has the default rights of the settings.
 */
export const UserRightsSchema = defineEntity({
  name: 'UserRights',
  tableName: 'user_rights',
  extends: BaseSchema,
  properties: {
    userId: p.integer().unique(),
    canAnonymise: p.boolean(),
    canErase: p.boolean(),
    updatedBy: p.integer().nullable(),
  },
});

export class UserRights extends UserRightsSchema.class {}
UserRightsSchema.setClass(UserRights);
