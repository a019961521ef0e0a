import { i18n } from '#i18n';

export interface NoticeSession {
  id: string;
  adminUserId: number;
  /** The portal's name for the administrator; null when it no longer knows them. */
  adminName: string | null;
  startedAt: string;
}

/** Tells an employee that an administrator acted as them, with a way to see what was done. */
export function ImpersonationNotice(props: {
  sessions: NoticeSession[];
  onOpen: (id: string) => void;
  onDismiss: (id: string) => void;
}) {
  if (props.sessions.length === 0) return null;
  return (
    <div class="notice" role="status" data-testid="impersonation-notice">
      <strong>{i18n.t('page.notice.title')}</strong>
      <ul>
        {props.sessions.map((session) => (
          <li key={session.id} data-session-id={session.id}>
            <span>
              {i18n.t('page.notice.session', [
                session.adminName ?? i18n.t('page.notice.admin', [String(session.adminUserId)]),
                new Date(session.startedAt).toLocaleString(),
              ])}
            </span>
            <button
              type="button"
              class="link"
              data-testid="impersonation-notice-actions"
              onClick={() => props.onOpen(session.id)}
            >
              {i18n.t('page.notice.actions')}
            </button>
            <button
              type="button"
              class="link"
              data-testid="impersonation-notice-dismiss"
              onClick={() => props.onDismiss(session.id)}
            >
              {i18n.t('page.notice.dismiss')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
