import type { EntityManager } from '@mikro-orm/core';
import type { AppServices } from '../../app-services.ts';
import type { VerifiedFrame } from '../app/verify-frame.ts';
import { signFrameTicket } from './frame-ticket.ts';

/** How long a native page's session lasts; the portal posts a fresh frame every time the page opens. */
export const FRAME_SESSION_MS = 2 * 60 * 60_000;

/**
 * The credentials a verified frame's bundle gets: an API token for the frame's user that ends by
 * itself, and the ticket that lets the frame answer the extension's sign-in for its portal and user.
 */
export async function openFrameSession(
  services: Pick<AppServices, 'tokens' | 'secret'>,
  em: EntityManager,
  frame: Pick<VerifiedFrame, 'portalId' | 'userId'>,
  now = new Date(),
): Promise<{ token: string; ticket: string; expiresAt: Date }> {
  const expiresAt = new Date(now.getTime() + FRAME_SESSION_MS);
  const issued = await services.tokens.issueUserToken(
    em,
    frame.userId,
    `Bitrix24 app page ${now.toISOString().slice(0, 16)}Z`,
    frame.userId,
    expiresAt,
  );
  const ticket = signFrameTicket(services.secret, {
    portalId: frame.portalId,
    userId: frame.userId,
    expiresAt: expiresAt.getTime(),
  });
  return { token: issued.token, ticket, expiresAt };
}
