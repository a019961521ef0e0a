import { isIP } from 'node:net';
import { z } from 'zod';
import { InvalidInputError } from '../../errors.ts';
import { ACTION_PATTERN } from './audit.service.ts';
import { AUDIT_SOURCES, type AuditSource } from './audit-event.entity.ts';

const MAX_METADATA_BYTES = 4_096;
const MAX_USER_ID = 2_147_483_647;
const SESSION_KEY = /^[0-9a-fA-F]{64}$/;
const TARGET_TYPE = /^[a-z][a-z_]{0,49}$/;

/** One event as the extension or an integrator sends it (after GraphQL coerced the types). */
export interface AuditEventInput {
  idempotencyKey: string;
  action: string;
  occurredAt: Date;
  actorId?: number | null;
  onBehalfOfId?: number | null;
  sessionToken?: string | null;
  sessionKey?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  metadata?: unknown;
  source?: AuditSource | null;
}

const userId = z.number().int().positive().max(MAX_USER_ID);
export const eventSchema = z.object({
  idempotencyKey: z.string().min(1).max(200),
  action: z.string().max(100).regex(ACTION_PATTERN, 'An action is a dotted name such as post.edited.'),
  occurredAt: z.date(),
  actorId: userId.nullish(),
  onBehalfOfId: userId.nullish(),
  sessionToken: z.string().min(1).max(512).nullish(),
  sessionKey: z.string().regex(SESSION_KEY, 'A session key is SHA-256 in hex.').nullish(),
  ip: z
    .string()
    .max(45)
    .refine((ip) => isIP(ip) !== 0, 'Not an IP address.')
    .nullish(),
  userAgent: z.string().max(512).nullish(),
  targetType: z
    .string()
    .regex(TARGET_TYPE, 'A target type is a lowercase word such as user or message.')
    .nullish(),
  targetId: z.string().min(1).max(200).nullish(),
  metadata: z
    .record(z.string(), z.unknown())
    .superRefine((m, ctx) => {
      const problem = metadataProblem(m);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .nullish(),
  source: z.enum(AUDIT_SOURCES).nullish(),
});

export type ParsedEventInput = z.infer<typeof eventSchema>;

/**
 * The event as checked at the edge, or an InvalidInputError naming the first bad field
 * (`events.<index>.<field>`). Batches of 500 mostly arrive valid, so a plain test of the same rules runs
 * first and zod only when it fails, to find and word the problem: zod stays the one statement of the rules
 * and their messages, and a test holds the plain test to them.
 */
export function parseEventInput(input: AuditEventInput, index: number): ParsedEventInput {
  if (plainlyValid(input)) return input as ParsedEventInput;
  const parsed = eventSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new InvalidInputError(`events.${index}.${issue.path.join('.')}`, issue.message);
}

/** True only for input `eventSchema` accepts unchanged (GraphQL input objects carry no other keys). */
export function plainlyValid(e: AuditEventInput): boolean {
  return (
    typeof e.idempotencyKey === 'string' &&
    e.idempotencyKey.length >= 1 &&
    e.idempotencyKey.length <= 200 &&
    typeof e.action === 'string' &&
    e.action.length <= 100 &&
    ACTION_PATTERN.test(e.action) &&
    e.occurredAt instanceof Date &&
    !Number.isNaN(e.occurredAt.getTime()) &&
    (e.actorId == null || isUserId(e.actorId)) &&
    (e.onBehalfOfId == null || isUserId(e.onBehalfOfId)) &&
    (e.sessionToken == null || isText(e.sessionToken, 1, 512)) &&
    (e.sessionKey == null || (typeof e.sessionKey === 'string' && SESSION_KEY.test(e.sessionKey))) &&
    (e.ip == null || (isText(e.ip, 0, 45) && isIP(e.ip) !== 0)) &&
    (e.userAgent == null || isText(e.userAgent, 0, 512)) &&
    (e.targetType == null || (typeof e.targetType === 'string' && TARGET_TYPE.test(e.targetType))) &&
    (e.targetId == null || isText(e.targetId, 1, 200)) &&
    (e.metadata == null || (isPlainRecord(e.metadata) && metadataProblem(e.metadata) === null)) &&
    (e.source == null || (AUDIT_SOURCES as readonly unknown[]).includes(e.source))
  );
}

function metadataProblem(m: Record<string, unknown>): string | null {
  const json = JSON.stringify(m);
  if (Buffer.byteLength(json) > MAX_METADATA_BYTES) return `At most ${MAX_METADATA_BYTES} bytes.`;
  // PostgreSQL's jsonb cannot hold NUL characters.
  if (json.includes('\\u0000')) return 'No NUL characters.';
  return null;
}

const isUserId = (n: unknown) => Number.isSafeInteger(n) && (n as number) > 0 && (n as number) <= MAX_USER_ID;
const isText = (s: unknown, min: number, max: number) =>
  typeof s === 'string' && s.length >= min && s.length <= max;

/** What z.record accepts: a plain object (no array, date or class instance) whose keys are strings. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.getOwnPropertySymbols(value).length === 0;
}
