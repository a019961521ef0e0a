import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

/**
 * One user's OAuth tokens on one portal, as the portal last handed them to us (install, a frame or a
 * refresh). Both tokens are AES-256-GCM ciphertexts bound to this portal, user and field (TokenCipher), so
 * a dump of the table shows no token. `dead`: the authorization server refused the refresh token
 * (`invalid_grant`); the user must open the portal again to hand us a new one.
 */
export const AppUserTokenSchema = defineEntity({
  name: 'AppUserToken',
  tableName: 'app_user_token',
  extends: BaseSchema,
  properties: {
    portalId: p.uuid().index(),
    userId: p.integer(),
    accessTokenEnc: p.text(),
    /** SHA-256 of the access token: a frame that brings a token we hold is answered without asking the portal. */
    accessTokenHash: p.string().length(64).index(),
    refreshTokenEnc: p.text().nullable(),
    /** The portal's AUTH_EXPIRES / expires_in, advisory: we refresh on the portal's 401, never ahead of it. */
    accessExpiresAt: p.datetime().nullable(),
    state: p.enum(['usable', 'dead'] as const).default('usable'),
    deadReason: p.string().length(500).nullable(),
    /**
     * Bumped whenever the stored tokens change (a refresh, a frame, a dead mark): a refresh saves its new
     * pair, or marks the row dead, only over the version it read (compare-and-swap, token-refresh.ts).
     */
    refreshVersion: p.integer().default(0),
    /** The process refreshing this token now (a random id), so others wait for its pair instead of spending the refresh token too. */
    refreshClaim: p.string().length(36).nullable(),
    /** When that claim lapses (a process that died mid-refresh): past it, another may claim. */
    refreshClaimedUntil: p.datetime().nullable(),
    /** Last refresh through the authorization server. */
    refreshedAt: p.datetime().nullable(),
    /** Last time the portal handed us this user's token (install, a frame, a placement). */
    receivedAt: p.datetime(),
  },
  uniques: [{ properties: ['portalId', 'userId'] }],
});

export class AppUserToken extends AppUserTokenSchema.class {}
AppUserTokenSchema.setClass(AppUserToken);
