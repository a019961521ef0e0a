import type { EntityManager } from '@mikro-orm/core';
import { type Bitrix24Client, Bitrix24Error } from '../../bitrix24/index.ts';
import type { PortalDirectory } from '../portal/portal-directory.ts';
import { alertName, alertText } from './alerts.ts';
import { ImpersonationSession } from './impersonation-session.entity.ts';

export interface AlertRewording {
  /** Chat alerts of ours that named the person and now name their pseudonym instead. */
  reworded: number;
  /** Alerts the portal would not let us rewrite: they still name the person. */
  failed: { messageId: number; error: string }[];
}

/**
 * Rewrites the chat alerts this system posted about sessions in which `userId` was the administrator or
 * the impersonated employee, with `pseudonymName` in place of their name: the alert is our copy of their
 * name on the portal. Sent by the alerts' author (the portal client that posted them), who may edit them.
 * Idempotent: the same text again changes nothing.
 */
export async function rewordAlertsAbout(options: {
  em: EntityManager;
  portal: Bitrix24Client;
  directory: PortalDirectory;
  linkFor: (session: ImpersonationSession) => string;
  userId: number;
  pseudonymName: string;
}): Promise<AlertRewording> {
  const { em, portal, userId, pseudonymName } = options;
  const sessions = await em.find(ImpersonationSession, {
    $or: [{ adminUserId: userId }, { impersonatedUserId: userId }],
    alertMessageIds: { $ne: null },
  });
  const others = sessions.flatMap((s) => [s.adminUserId, s.impersonatedUserId]).filter((id) => id !== userId);
  const users = await options.directory.getUsers([...new Set(others)]);
  const nameOf = (id: number) => (id === userId ? pseudonymName : alertName(users.get(id), id));
  const outcome: AlertRewording = { reworded: 0, failed: [] };
  for (const session of sessions) {
    const text = alertText(
      session,
      nameOf(session.adminUserId),
      nameOf(session.impersonatedUserId),
      options.linkFor(session),
    );
    for (const messageId of session.alertMessageIds ?? []) {
      try {
        await portal.call('im.message.update', { MESSAGE_ID: messageId, MESSAGE: text });
        outcome.reworded++;
      } catch (error) {
        if (!(error instanceof Bitrix24Error)) throw error;
        outcome.failed.push({ messageId, error: `${error.code}: ${error.message}` });
      }
    }
  }
  return outcome;
}
