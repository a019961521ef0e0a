import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

/**
 * Bitrix24 keeps no dismissal date, so the policy counts from the first day this system saw the account
 * inactive. A rehired employee's row is removed, so a later dismissal counts afresh.
 */
export const DismissalSchema = defineEntity({
  name: 'Dismissal',
  tableName: 'dismissal',
  extends: BaseSchema,
  properties: {
    userId: p.integer().unique(),
    firstSeenInactiveAt: p.datetime(),
    /** The policy's anonymisation request, once started. */
    requestId: p.uuid().nullable(),
  },
});

export class Dismissal extends DismissalSchema.class {}
DismissalSchema.setClass(Dismissal);
