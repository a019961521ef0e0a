import type { FilterQuery } from '@mikro-orm/core';
import { AuditEvent } from '../../../audit/audit-event.entity.ts';
import { USER_ID_KEY_PATTERN } from '../../../audit/audit-metadata-rule.ts';
import { USER_TARGET } from '../../../audit/audit-record.ts';
import type { AppSecret } from '../../../settings/app-secret.ts';
import { defineCategory } from '../category.ts';
import { byLast, SYSTEM_PAGE } from '../system/keyset.ts';
import { PERSON_VALUES, personRef } from '../system/people.ts';

/** The hash chain (prevHash, hash, sealed commitments), session key and idempotency key say nothing about the person. */
const FIELDS = [
  'id',
  'receivedAt',
  'occurredAt',
  'actor',
  'onBehalfOf',
  'action',
  'targetType',
  'targetId',
  'ip',
  'userAgent',
  'source',
  'metadata',
] as const;

type AuditRow = Pick<AuditEvent, (typeof FIELDS)[number]>;

interface EventRow {
  event: AuditRow;
  /** The subject's part in it: actor, on behalf of, target (one or more). */
  parts: string;
  actor: string | null;
  onBehalfOf: string | null;
  targetId: string | null;
  /** Network details are the actor's: shown only when the subject acted. */
  own: boolean;
  details: string;
}

const USER_ID_KEY = new RegExp(USER_ID_KEY_PATTERN);

/** Metadata with every user id under a user-id key (audit-metadata-rule.ts) shown as `you` or a pseudonym. */
function details(value: unknown, key: string | null, name: (id: string | number) => string | null): unknown {
  if (Array.isArray(value)) return value.map((item) => details(item, key, name));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, details(v, k, name)]));
  }
  if (key !== null && USER_ID_KEY.test(key) && (typeof value === 'number' || typeof value === 'string')) {
    return name(value);
  }
  return value;
}

function toRow(event: AuditRow, subject: number, secret: AppSecret): EventRow {
  const me = String(subject);
  const isUserTarget = event.targetType === USER_TARGET;
  const parts = [
    event.actor === me && 'actor',
    event.onBehalfOf === me && 'on behalf of',
    isUserTarget && event.targetId === me && 'target',
  ].filter(Boolean);
  const name = (id: string | number | null | undefined) => personRef(secret, subject, id);
  return {
    event,
    parts: parts.join('; '),
    actor: event.actor == null ? 'system' : name(event.actor),
    onBehalfOf: name(event.onBehalfOf),
    targetId: isUserTarget ? name(event.targetId) : (event.targetId ?? null),
    own: event.actor === me,
    details: JSON.stringify(details(event.metadata, null, name)),
  };
}

export const auditEvents = defineCategory<EventRow>({
  name: 'audit-events',
  title: 'Audit log entries about you',
  about:
    "Entries of this system's tamper-evident audit log in which you acted, someone acted on your behalf " +
    '(an administrator logged in as you), or you were what was acted on, in that order, oldest first ' +
    'within each. Other people are not named: ' +
    PERSON_VALUES,
  source: 'system',
  columns: [
    { name: 'event_id', about: 'Reference of the entry in the audit log.', value: (r) => r.event.id },
    { name: 'occurred_at', about: 'When it happened (ISO 8601, UTC).', value: (r) => r.event.occurredAt },
    {
      name: 'your_part',
      about: 'actor = you did it; on behalf of = it was done as you; target = it was done to you.',
      value: (r) => r.parts,
    },
    { name: 'action', about: 'What was done, e.g. dsr.export.requested.', value: (r) => r.event.action },
    {
      name: 'actor',
      about: `Who did it; "system" for this system itself. ${PERSON_VALUES}`,
      value: (r) => r.actor,
    },
    {
      name: 'on_behalf_of',
      about: "Whose account it was done with, when not the actor's own.",
      value: (r) => r.onBehalfOf,
    },
    {
      name: 'target_type',
      about: 'What kind of thing it was done to (user, post, request…).',
      value: (r) => r.event.targetType,
    },
    {
      name: 'target_id',
      about: 'Which one; a user is shown as for actor.',
      value: (r) => r.targetId,
    },
    {
      name: 'ip',
      about: 'The network address it came from; only for what you did yourself.',
      value: (r) => (r.own ? r.event.ip : null),
    },
    {
      name: 'user_agent',
      about: 'The browser or program it came from; only for what you did yourself.',
      value: (r) => (r.own ? r.event.userAgent : null),
    },
    {
      name: 'recorded_by',
      about: 'api = this system; extension = the browser extension; portal-event and portal-poll = Bitrix24.',
      value: (r) => r.event.source,
    },
    {
      name: 'details',
      about: 'Further details as JSON; people in it are shown as for actor.',
      value: (r) => r.details,
    },
  ],
  async *rows(ctx) {
    const { em, subjectUserId: subject, secret } = ctx.sources;
    const me = String(subject);
    // One read per part, each on its own index (column, occurred_at, id); an event an earlier read had
    // is skipped by its own columns, so nothing comes twice and no ids are kept. One OR over the three
    // would walk the whole log in id order.
    const parts: { where: FilterQuery<AuditEvent>; earlier(event: AuditRow): boolean }[] = [
      { where: { actor: me }, earlier: () => false },
      { where: { onBehalfOf: me }, earlier: (e) => e.actor === me },
      {
        where: { targetType: USER_TARGET, targetId: me },
        earlier: (e) => e.actor === me || e.onBehalfOf === me,
      },
    ];
    for (const part of parts) {
      const events = byLast<AuditRow>(
        (last) =>
          em.find(
            AuditEvent,
            {
              ...part.where,
              ...(last
                ? {
                    $or: [
                      { occurredAt: { $gt: last.occurredAt } },
                      { occurredAt: last.occurredAt, id: { $gt: last.id } },
                    ],
                  }
                : {}),
            },
            {
              fields: [...FIELDS],
              orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
              limit: SYSTEM_PAGE,
              disableIdentityMap: true,
            },
          ),
        ctx.signal,
      );
      for await (const event of events) if (!part.earlier(event)) yield toRow(event, subject, secret);
    }
  },
});
