import { builder } from '../../builder.ts';
import type { GraphQLContext } from '../../context.ts';
import { InvalidInputError, NotFoundError, PolicyRefusedError, RateLimitedError } from '../../errors.ts';
import { requestFields } from '../audit/audited.ts';
import { IssuedTokenRef } from '../identity/identity.schema.ts';

/** Refusal rule: the sign-in through the app page is for our browser extension's background only. */
export const EXTENSION_ORIGIN_RULE = 'APP_SIGNIN_EXTENSION_ONLY';

/**
 * Both steps the extension runs itself must come from its own origin. A browser sets `Origin` and no
 * page script can forge it, so a script on the portal page can neither register a challenge (its
 * frame would then answer it) nor exchange a code it saw, even with a verifier of its own.
 */
function requireExtensionOrigin(ctx: GraphQLContext): void {
  const origin = ctx.request.origin;
  if (!origin || !ctx.services.config.EXTENSION_ORIGINS.includes(origin))
    throw new PolicyRefusedError(
      EXTENSION_ORIGIN_RULE,
      'Only the b24-gdpr browser extension can sign in through the app page.',
    );
}

const AppSignInStartedRef = builder
  .objectRef<{ appPageUrl: string; expiresAt: Date }>('AppSignInStarted')
  .implement({
    description: 'Where the extension opens the app page, and until when the challenge can be answered.',
    fields: (t) => ({
      appPageUrl: t.exposeString('appPageUrl'),
      expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    }),
  });

builder.mutationField('startAppSignIn', (t) =>
  t.field({
    type: AppSignInStartedRef,
    description:
      "The browser extension's sign-in through the app page, step 1: registers a PKCE S256 challenge for the installed portal at `portalUrl` and answers the app page's address there.",
    errors: { types: [InvalidInputError, NotFoundError, PolicyRefusedError, RateLimitedError] },
    args: {
      portalUrl: t.arg.string({ required: true }),
      challenge: t.arg.string({ required: true }),
    },
    resolve: async (_root, { portalUrl, challenge }, ctx) => {
      requireExtensionOrigin(ctx);
      let origin: string;
      try {
        origin = new URL(portalUrl).origin;
      } catch {
        throw new InvalidInputError('portalUrl', 'The portal address must be an http(s) URL.');
      }
      const portal = await ctx.services.handoffPortals.byOrigin(ctx.em, origin);
      if (!portal) throw new NotFoundError('Portal', origin);
      const handoff = await ctx.services.handoff.begin(ctx.em, portal.id, challenge, ctx.request.ip);
      return { appPageUrl: portal.appPageUrl, expiresAt: handoff.expiresAt };
    },
  }),
);

builder.mutationField('completeAppSignIn', (t) =>
  t.field({
    type: IssuedTokenRef,
    description:
      "The browser extension's sign-in through the app page, step 3: the one-time code the app frame handed over and the PKCE verifier give an API token for the frame's user.",
    errors: { types: [InvalidInputError, PolicyRefusedError] },
    args: { code: t.arg.string({ required: true }), verifier: t.arg.string({ required: true }) },
    resolve: async (_root, { code, verifier }, ctx) => {
      requireExtensionOrigin(ctx);
      const now = new Date();
      const { actorId: _anonymous, integrator: _none, ...fields } = requestFields(ctx);
      return ctx.services.handoff.exchange(
        ctx.em,
        code,
        verifier,
        `Signed in through the app page ${now.toISOString().slice(0, 16)}Z`,
        now,
        (tx, issued) =>
          ctx.services.audit
            .append(tx, [
              {
                ...fields,
                actorId: issued.userId,
                action: 'auth.signin',
                target: { type: 'token', id: issued.record.id },
                metadata: { method: 'app-page' },
              },
            ])
            .then(() => undefined),
      );
    },
  }),
);
