import { ImpersonationSession } from '../../../impersonation/impersonation-session.entity.ts';
import { defineCategory } from '../category.ts';
import { byId, SYSTEM_PAGE } from '../system/keyset.ts';
import { PERSON_VALUES, personRef } from '../system/people.ts';

/** The session key is a hash of a portal session and says nothing more; alert bookkeeping is ours. */
const FIELDS = [
  'id',
  'adminUserId',
  'impersonatedUserId',
  'ip',
  'userAgent',
  'reason',
  'source',
  'startedAt',
  'endedAt',
  'endReason',
] as const;

type SessionRow = Pick<ImpersonationSession, (typeof FIELDS)[number]>;

interface Row {
  session: SessionRow;
  /** Network details are the administrator's: shown only to them. */
  asAdmin: boolean;
  admin: string | null;
  impersonated: string | null;
}

export const impersonation = defineCategory<Row>({
  name: 'impersonation',
  title: 'Times an administrator acted as another user',
  about:
    'Sessions in which an administrator logged in to Bitrix24 as another user ("log in as"): those in which ' +
    `you were the administrator, and those in which someone acted as you. ${PERSON_VALUES}`,
  source: 'system',
  columns: [
    { name: 'session_id', about: 'Reference of the session.', value: (r) => r.session.id },
    {
      name: 'your_role',
      about: 'administrator = you acted as someone; impersonated = someone acted as you.',
      value: (r) => (r.asAdmin ? 'administrator' : 'impersonated'),
    },
    { name: 'administrator', about: 'Who logged in as the other user.', value: (r) => r.admin },
    { name: 'impersonated_user', about: 'As whom.', value: (r) => r.impersonated },
    { name: 'started_at', about: 'When it started (ISO 8601, UTC).', value: (r) => r.session.startedAt },
    { name: 'ended_at', about: 'When it ended; empty while it goes on.', value: (r) => r.session.endedAt },
    {
      name: 'end_reason',
      about: 'ENDED = logged out; SESSION_CHANGED = another login replaced it; TIMED_OUT = no activity.',
      value: (r) => r.session.endReason,
    },
    {
      name: 'reason',
      about: 'The reason the administrator gave, when one was asked.',
      value: (r) => r.session.reason,
    },
    {
      name: 'ip',
      about: "The administrator's network address; only when you were the administrator.",
      value: (r) => (r.asAdmin ? r.session.ip : null),
    },
    {
      name: 'user_agent',
      about: "The administrator's browser; only when you were the administrator.",
      value: (r) => (r.asAdmin ? r.session.userAgent : null),
    },
    {
      name: 'recorded_by',
      about: 'extension = the browser extension saw it; api = it was reported to this system.',
      value: (r) => r.session.source,
    },
  ],
  async *rows(ctx) {
    const { em, subjectUserId: subject, secret } = ctx.sources;
    const sessions = byId(
      (after) =>
        em.find(
          ImpersonationSession,
          {
            $or: [{ adminUserId: subject }, { impersonatedUserId: subject }],
            ...(after ? { id: { $gt: after } } : {}),
          },
          { fields: [...FIELDS], orderBy: { id: 'asc' }, limit: SYSTEM_PAGE, disableIdentityMap: true },
        ),
      ctx.signal,
    );
    for await (const session of sessions) {
      yield {
        session,
        asAdmin: session.adminUserId === subject,
        admin: personRef(secret, subject, session.adminUserId),
        impersonated: personRef(secret, subject, session.impersonatedUserId),
      };
    }
  },
});
