import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

/** One-time sign-in code sent through a Bitrix24 notification; stored hashed, burnt after 5 wrong tries. */
export const SignInCodeSchema = defineEntity({
  name: 'SignInCode',
  tableName: 'sign_in_code',
  extends: BaseSchema,
  properties: {
    userId: p.integer(),
    codeHash: p.string().length(64),
    expiresAt: p.datetime(),
    failedAttempts: p.integer().default(0),
    consumedAt: p.datetime().nullable(),
    burnedAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ['userId', 'createdAt'] }],
});

export class SignInCode extends SignInCodeSchema.class {
  isUsable(now: Date): boolean {
    return !this.consumedAt && !this.burnedAt && this.expiresAt > now;
  }
}
SignInCodeSchema.setClass(SignInCode);
