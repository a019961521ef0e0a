import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

/**
 * One sign-in of the browser extension through the app page (README.md beside this file). The
 * extension registers its PKCE challenge (from its own origin); the app frame of the same portal binds
 * its verified user to it and receives a one-time code; the extension exchanges code + verifier for an
 * API token. Only hashes of the code are stored; the challenge is public by design.
 */
export const AppHandoffSchema = defineEntity({
  name: 'AppHandoff',
  tableName: 'app_handoff',
  extends: BaseSchema,
  properties: {
    /** The installed portal (app_portal.id) the extension chose; only its frames may answer. */
    portalId: p.uuid().index(),
    /** The address the registration came from: registrations are limited per address (no token is needed). */
    requestedFrom: p.string().length(64).index(),
    /** base64url(SHA-256(verifier)), 43 characters. */
    challenge: p.string().length(43).unique(),
    /** When the extension must have finished; nothing is issued after it. */
    expiresAt: p.datetime(),
    /** The frame's verified user, set once, when the frame asks for the code. */
    userId: p.integer().nullable(),
    /** SHA-256 (hex) of the one-time code. */
    codeHash: p.string().length(64).nullable().unique(),
    /** Set at the first exchange attempt, right or wrong: a code is tried once. */
    usedAt: p.datetime().nullable(),
  },
});

export class AppHandoff extends AppHandoffSchema.class {}
AppHandoffSchema.setClass(AppHandoff);
