import { Dismissal } from '../../dismissal.entity.ts';
import { defineCategory } from '../category.ts';

type DismissalRow = Pick<Dismissal, 'firstSeenInactiveAt' | 'requestId'>;

export const dismissal = defineCategory<DismissalRow>({
  name: 'dismissal',
  title: 'Dismissal as this system saw it',
  about:
    'Bitrix24 records no dismissal date, so this system notes the first day it saw your account ' +
    'deactivated; the rule for dismissed employees counts from that day. Empty while your account is active.',
  source: 'system',
  columns: [
    {
      name: 'first_seen_inactive_at',
      about: 'When your account was first seen deactivated (ISO 8601, UTC).',
      value: (r) => r.firstSeenInactiveAt,
    },
    {
      name: 'anonymisation_request_id',
      about: 'The anonymisation request the rule started, if any (see requests.csv).',
      value: (r) => r.requestId,
    },
  ],
  async *rows(ctx) {
    const row = await ctx.sources.em.findOne(
      Dismissal,
      { userId: ctx.sources.subjectUserId },
      { fields: ['firstSeenInactiveAt', 'requestId'], disableIdentityMap: true },
    );
    if (row) yield row;
  },
});
