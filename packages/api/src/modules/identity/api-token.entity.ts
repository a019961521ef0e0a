import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';
import type { IntegratorScope } from './roles.ts';

/** A bearer token. The secret itself is never stored: only its SHA-256, so a database leak yields no usable token. */
export const ApiTokenSchema = defineEntity({
  name: 'ApiToken',
  tableName: 'api_token',
  extends: BaseSchema,
  properties: {
    tokenHash: p.string().length(64).unique(),
    kind: p.enum(['USER', 'INTEGRATOR'] as const),
    /** Portal user the token acts for; null for integrator tokens. */
    userId: p.integer().nullable().index(),
    scopes: p.array<IntegratorScope>().default([]),
    label: p.string().length(200),
    createdBy: p.integer().nullable(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    /** A frame session's token (the native pages inside Bitrix24) ends by itself; null: until revoked. */
    expiresAt: p.datetime().nullable(),
  },
});

export class ApiToken extends ApiTokenSchema.class {}
ApiTokenSchema.setClass(ApiToken);
