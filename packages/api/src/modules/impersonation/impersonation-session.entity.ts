import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

export const SESSION_END_REASONS = ['ENDED', 'SESSION_CHANGED', 'TIMED_OUT'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/**
 * An administrator acting as another user ("log in as"). The session key is the SHA-256 of the portal's
 * session token, never the token: every audit event carrying the same key belongs to this session.
 */
export const ImpersonationSessionSchema = defineEntity({
  name: 'ImpersonationSession',
  tableName: 'impersonation_session',
  extends: BaseSchema,
  properties: {
    /** 0 once this person was erased or anonymised: `adminPseudonym` then names them. */
    adminUserId: p.integer().index(),
    impersonatedUserId: p.integer().index(),
    /** The keyed pseudonym (`AppSecret.pseudonymousId`) of an erased or anonymised administrator. */
    adminPseudonym: p.string().length(40).nullable(),
    /** The keyed pseudonym of an erased or anonymised impersonated employee. */
    impersonatedPseudonym: p.string().length(40).nullable(),
    sessionKey: p.string().length(64).index(),
    ip: p.string().length(64),
    userAgent: p.text().nullable(),
    reason: p.text().nullable(),
    source: p.enum(['extension', 'api'] as const),
    startedAt: p.datetime(),
    endedAt: p.datetime().nullable(),
    endReason: p.enum(SESSION_END_REASONS).nullable(),
    /** When the chat alert and the notification went out, or why they could not. */
    alertedAt: p.datetime().nullable(),
    alertError: p.text().nullable(),
    /** The chat alerts' message ids: rewritten when either person is erased or anonymised. */
    alertMessageIds: p.json<number[]>().nullable(),
  },
  indexes: [{ properties: ['startedAt', 'id'] }],
});

export class ImpersonationSession extends ImpersonationSessionSchema.class {}
ImpersonationSessionSchema.setClass(ImpersonationSession);
