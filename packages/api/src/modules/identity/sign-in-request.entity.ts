import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

/**
 * Every code request, whether or not the login exists: rate limits count these rows per login and per IP,
 * so the limits behave the same for real and unknown users and reveal nothing.
 */
export const SignInRequestSchema = defineEntity({
  name: 'SignInRequest',
  tableName: 'sign_in_request',
  extends: BaseSchema,
  properties: {
    /** SHA-256 of the normalised login, so unknown logins typed by strangers are not kept in clear. */
    loginHash: p.string().length(64),
    ip: p.string().length(64),
  },
  indexes: [{ properties: ['loginHash', 'createdAt'] }, { properties: ['ip', 'createdAt'] }],
});

export class SignInRequest extends SignInRequestSchema.class {}
SignInRequestSchema.setClass(SignInRequest);
