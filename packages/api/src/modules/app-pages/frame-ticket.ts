import { timingSafeEqual } from 'node:crypto';
import type { AppSecret } from '../settings/app-secret.ts';

/**
 * What a verified app frame may do besides its GraphQL calls: answer the extension's sign-in for its
 * own portal and user. Signed with the installation's secret (HMAC), so the handoff route needs no
 * table; it lives only inside our frame's document, like the frame session's token, and as long.
 */
export interface FrameTicket {
  portalId: string;
  userId: number;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

const PURPOSE = 'app-frame-ticket';

export function signFrameTicket(secret: AppSecret, ticket: FrameTicket): string {
  const payload = Buffer.from(JSON.stringify(ticket)).toString('base64url');
  return `${payload}.${secret.mac(PURPOSE, payload)}`;
}

/** The ticket when its signature holds and it has not expired; null for anything else. */
export function readFrameTicket(secret: AppSecret, presented: string, now = Date.now()): FrameTicket | null {
  if (presented.length > 1000) return null;
  const [payload, mac, extra] = presented.split('.');
  if (!payload || !mac || extra !== undefined) return null;
  const expected = Buffer.from(secret.mac(PURPOSE, payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  let ticket: Partial<FrameTicket>;
  try {
    ticket = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<FrameTicket>;
  } catch {
    return null;
  }
  if (typeof ticket.portalId !== 'string' || !Number.isSafeInteger(ticket.userId)) return null;
  if (typeof ticket.expiresAt !== 'number' || ticket.expiresAt <= now) return null;
  return { portalId: ticket.portalId, userId: ticket.userId as number, expiresAt: ticket.expiresAt };
}
