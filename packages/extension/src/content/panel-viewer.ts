import type { ExtensionSession } from '../messaging/protocol.ts';

/**
 * Which panel a profile gets: the signed-in employee's own profile, or (administrators) anyone
 * else's; nothing for an employee on a colleague's profile.
 */
export function panelViewer(
  session: ExtensionSession,
  profileUserId: number,
): 'own' | 'admin' | 'signedOut' | null {
  if (!session.signedIn || !session.user) return 'signedOut';
  if (session.user.id === profileUserId) return 'own';
  return session.roles.includes('ADMIN') ? 'admin' : null;
}
