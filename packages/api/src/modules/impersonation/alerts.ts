import type { Bitrix24Client } from '../../bitrix24/index.ts';
import type { PortalDirectory, PortalUserSummary } from '../portal/portal-directory.ts';
import type { ImpersonationSession } from './impersonation-session.entity.ts';

const name = (user: PortalUserSummary | null | undefined, id: number) =>
  user ? `${user.name} ${user.lastName}`.trim() || `user ${id}` : `user ${id}`;

/** The chat alert's text; also what an erasure rewrites it to, with the subject's pseudonym as name. */
export function alertText(
  session: ImpersonationSession,
  adminName: string,
  subjectName: string,
  link: string,
) {
  const at = session.startedAt.toISOString().replace('T', ' ').slice(0, 16);
  return `Security: ${adminName} logged in as ${subjectName} from ${session.ip} at ${at} UTC. Session: ${link}`;
}

export interface AlertDelivery {
  /** The first failure, or null when every recipient got it. */
  failure: string | null;
  /** The chat messages sent: an erasure of either person rewrites them (they name both). */
  messageIds: number[];
}

/**
 * Tells the chosen recipients through a chat message, and the impersonated user through a notification,
 * that an administrator is acting as someone else. Every recipient is tried; the first failure is reported.
 */
export async function sendImpersonationAlerts(options: {
  portal: Bitrix24Client;
  directory: PortalDirectory;
  session: ImpersonationSession;
  recipients: readonly number[];
  notifyImpersonated: boolean;
  link: string;
}): Promise<AlertDelivery> {
  const { portal, directory, session } = options;
  const users = await directory.getUsers([session.adminUserId, session.impersonatedUserId]);
  const admin = name(users.get(session.adminUserId), session.adminUserId);
  const subject = name(users.get(session.impersonatedUserId), session.impersonatedUserId);
  const at = session.startedAt.toISOString().replace('T', ' ').slice(0, 16);
  const text = alertText(session, admin, subject, options.link);
  let failure: string | null = null;
  const messageIds: number[] = [];
  for (const recipient of new Set(options.recipients)) {
    await portal
      .call('im.message.add', { DIALOG_ID: String(recipient), MESSAGE: text })
      .then((id) => {
        if (Number.isInteger(Number(id))) messageIds.push(Number(id));
      })
      .catch((error: unknown) => {
        failure ??= `chat message to user ${recipient}: ${error instanceof Error ? error.message : String(error)}`;
      });
  }
  if (options.notifyImpersonated) {
    await directory
      .notify(
        session.impersonatedUserId,
        `An administrator, ${admin}, signed in to the portal as you at ${at} UTC. Everything done in that session is recorded: ${options.link}`,
      )
      .catch((error: unknown) => {
        failure ??= `notification to user ${session.impersonatedUserId}: ${error instanceof Error ? error.message : String(error)}`;
      });
  }
  return { failure, messageIds };
}

/** A user's name as the alerts write it. */
export function alertName(user: PortalUserSummary | null | undefined, id: number): string {
  return name(user, id);
}
