import { Bitrix24Error } from '../../bitrix24/index.ts';
import { builder } from '../../builder.ts';
import { InvalidInputError, PortalUnavailableError } from '../../errors.ts';
import type { PortalUserSummary } from '../portal/portal-directory.ts';
import { PortalUserRef } from '../rights/rights.schema.ts';
import { ChatPollCursor } from './chat-poll-cursor.entity.ts';

/** Users whose chat edits we cannot capture, and why (the rows of chat-poller.ts). */
interface ChatCapture {
  captured: number;
  uncapturedCount: number;
  lastPolledAt: Date | null;
  uncaptured: UncapturedUser[];
}

interface UncapturedUser {
  userId: number;
  state: 'missing' | 'dead';
  reason: string;
  since: Date;
  user: PortalUserSummary | null;
}

const MAX_LISTED = 200;

const ChatCaptureStateEnum = builder.enumType('ChatCaptureState', {
  description: 'Why a user’s chat edits are not captured.',
  values: {
    MISSING: { value: 'missing', description: 'We were never given the user’s own credentials.' },
    DEAD: {
      value: 'dead',
      description: 'The portal refuses the credentials we hold (revoked, expired for good).',
    },
  } as const,
});

const UncapturedUserRef = builder.objectRef<UncapturedUser>('UncapturedChatUser').implement({
  fields: (t) => ({
    userId: t.exposeInt('userId'),
    user: t.field({ type: PortalUserRef, nullable: true, resolve: (u) => u.user }),
    state: t.field({ type: ChatCaptureStateEnum, resolve: (u) => u.state }),
    reason: t.exposeString('reason', { description: 'Said to administrators; what to do about it.' }),
    since: t.expose('since', { type: 'DateTime' }),
  }),
});

const ChatCaptureRef = builder.objectRef<ChatCapture>('ChatCapture').implement({
  description:
    'Chat edits and deletions reach this system only through each employee’s own event log, read with their own credentials. Employees listed here have chats whose changes are not captured unless someone else in the chat is.',
  fields: (t) => ({
    captured: t.exposeInt('captured', { description: 'Active employees whose log is read.' }),
    uncapturedCount: t.exposeInt('uncapturedCount'),
    lastPolledAt: t.expose('lastPolledAt', { type: 'DateTime', nullable: true }),
    uncaptured: t.field({
      type: [UncapturedUserRef],
      description: `Oldest problem first, at most ${MAX_LISTED} (the count says how many in all).`,
      resolve: (c) => c.uncaptured,
    }),
  }),
});

builder.queryField('chatCapture', (t) =>
  t.field({
    type: ChatCaptureRef,
    description: 'Whose chat edits are captured, as of the last poll round.',
    authScopes: { admin: true },
    errors: { types: [InvalidInputError, PortalUnavailableError] },
    args: { first: t.arg.int({ required: false, description: `At most ${MAX_LISTED}; default 50.` }) },
    resolve: async (_root, args, ctx) => {
      const first = args.first ?? 50;
      if (first < 1 || first > MAX_LISTED)
        throw new InvalidInputError('first', `first must be between 1 and ${MAX_LISTED}.`);
      const rows = await ctx.em.find(ChatPollCursor, {}, { orderBy: { stateSince: 'asc', userId: 'asc' } });
      const problems = rows.filter((r) => r.state !== 'usable');
      const listed = problems.slice(0, first);
      // The names come from the portal: one that cannot be read (the app removed, the portal down) is a
      // typed answer naming the portal, not an unexpected error.
      const users = await ctx.services.directory
        .getUsers(listed.map((r) => r.userId))
        .catch((error: unknown) => {
          if (!(error instanceof Bitrix24Error)) throw error;
          throw new PortalUnavailableError(
            `The portal ${ctx.services.portal.domain} could not be read (${error.code}); try again later, or install the application again if it was removed.`,
          );
        });
      const polled = rows.flatMap((r) => (r.lastPolledAt ? [r.lastPolledAt.getTime()] : []));
      return {
        captured: rows.length - problems.length,
        uncapturedCount: problems.length,
        lastPolledAt: polled.length > 0 ? new Date(Math.max(...polled)) : null,
        uncaptured: listed.map((r) => ({
          userId: r.userId,
          state: r.state as 'missing' | 'dead',
          reason: r.reason ?? '',
          since: r.stateSince,
          user: users.get(r.userId) ?? null,
        })),
      };
    },
  }),
);
