import { describe, expect, it } from 'vitest';
import {
  type AuditEventInput,
  eventSchema,
  parseEventInput,
  plainlyValid,
} from '../../src/modules/audit/audit-event-input.ts';

const base: AuditEventInput = {
  idempotencyKey: 'k-1',
  action: 'message.edited',
  occurredAt: new Date('2026-11-20T10:00:00Z'),
  actorId: 5,
  onBehalfOfId: null,
  sessionToken: 'sess',
  sessionKey: null,
  ip: '10.0.0.1',
  userAgent: 'Mozilla/5.0',
  targetType: 'message',
  targetId: '42',
  metadata: { chatId: 'chat1' },
  source: 'extension',
};

/** For each field, values on both sides of every rule zod states for it. */
const values: Record<keyof AuditEventInput, unknown[]> = {
  idempotencyKey: ['', 'a', 'x'.repeat(200), 'x'.repeat(201), 7, null],
  action: [
    'post.edited',
    'a.b_c.d',
    'Post.edited',
    'post',
    'post.',
    `a.${'b'.repeat(98)}`,
    `a.${'b'.repeat(97)}`,
    1,
  ],
  occurredAt: [new Date(0), new Date(Number.NaN), '2026-11-20T10:00:00Z', null],
  actorId: [null, undefined, 1, 0, -1, 1.5, 2_147_483_647, 2_147_483_648, Number.NaN, '5'],
  onBehalfOfId: [null, 3, 0, 2 ** 53, Number.POSITIVE_INFINITY],
  sessionToken: [null, '', 's', 'x'.repeat(512), 'x'.repeat(513), 3],
  sessionKey: [null, 'a'.repeat(64), 'A'.repeat(64), 'a'.repeat(63), 'g'.repeat(64), `${'a'.repeat(64)}\n`],
  ip: [
    null,
    '10.0.0.1',
    '::1',
    'fe80::1%eth0',
    `fe80::1%${'e'.repeat(37)}`,
    `fe80::1%${'e'.repeat(38)}`,
    '999.0.0.1',
    'localhost',
    '',
    `::ffff:${'1'.repeat(40)}`,
  ],
  userAgent: [null, '', 'x'.repeat(512), 'x'.repeat(513), {}],
  targetType: [null, 'user', 'task_comment', 'User', '_x', `a${'b'.repeat(49)}`, `a${'b'.repeat(50)}`],
  targetId: [null, '', '1', 'x'.repeat(200), 'x'.repeat(201)],
  metadata: [
    null,
    {},
    { a: [1, { b: null }] },
    [],
    'text',
    new Date(0),
    Object.create(null),
    { big: 'x'.repeat(4_090) },
    { big: 'x'.repeat(4_100) },
    { nul: 'a\u0000b' },
    { ü: 'ß'.repeat(2_030) },
  ],
  source: [null, 'api', 'extension', 'portal-event', 'portal-poll', 'browser', 'API'],
};

const fields = Object.keys(values) as (keyof AuditEventInput)[];

function variants(): AuditEventInput[] {
  const out: AuditEventInput[] = [base];
  for (const field of fields) for (const value of values[field]) out.push({ ...base, [field]: value });
  // Pairs of changed fields, chosen by a fixed walk so the run is repeatable.
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  for (let i = 0; i < 2_000; i++) {
    const a = fields[next(fields.length)]!;
    const b = fields[next(fields.length)]!;
    out.push({ ...base, [a]: values[a][next(values[a].length)], [b]: values[b][next(values[b].length)] });
  }
  return out;
}

describe('the plain check run before zod', () => {
  it('accepts exactly what the zod schema accepts', () => {
    const disagreements = variants().filter((v) => plainlyValid(v) !== eventSchema.safeParse(v).success);
    expect(disagreements).toEqual([]);
  });

  it('lets zod word the error, with the field’s path', () => {
    expect(() => parseEventInput({ ...base, ip: 'localhost' }, 3)).toThrow(
      expect.objectContaining({ field: 'events.3.ip', message: 'Not an IP address.' }),
    );
    expect(parseEventInput(base, 0)).toEqual(base);
  });
});
