import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

/** The AUDITOR role is ours to grant (the portal has no such role); revocation keeps the row as history. */
export const AuditorGrantSchema = defineEntity({
  name: 'AuditorGrant',
  tableName: 'auditor_grant',
  extends: BaseSchema,
  properties: {
    userId: p.integer().index(),
    grantedBy: p.integer(),
    revokedBy: p.integer().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});

export class AuditorGrant extends AuditorGrantSchema.class {}
AuditorGrantSchema.setClass(AuditorGrant);
