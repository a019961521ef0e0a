import type { EntityManager } from '@mikro-orm/core';
import { InvalidInputError } from '../../errors.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { AuditEventInput } from '../audit/audit-event-input.ts';
import { type RecordOutcome, recordEvents } from '../audit/audit-ingest.ts';
import type { AuditRecord } from '../audit/audit-record.ts';
import type { Principal } from '../identity/roles.ts';
import type { PortalConnection } from '../portal/connect.ts';
import { confirmWitnessed, type WitnessedText, witnessKey } from './confirm-witnessed.ts';
import { type ContentEntityType, VERSION_SOURCES, type VersionSource } from './content-version.entity.ts';
import {
  type EditHistoryService,
  isPortalId,
  lockItem,
  type RecordVersionInput,
  textHash,
} from './edit-history.service.ts';

/** One text as a page shows it (a long post is a few KB; the portal's own limit is far below this). */
export const MAX_TEXT_BYTES = 64 * 1024;
/** All texts of one `recordEvents` call together. */
export const MAX_BATCH_TEXT_BYTES = 1024 * 1024;

/** `post.edited`, `comment.deleted`, `message.edited`, …: the actions the audit hook writes too. */
const CONTENT_ACTION = /^(post|comment|message)\.(edited|deleted)$/;
/** The target types each action kind may name (task comments are chat messages: `message.*`). */
const TARGET_TYPES: Record<string, Partial<Record<string, ContentEntityType>>> = {
  post: { post: 'POST' },
  comment: { comment: 'COMMENT' },
  message: { message: 'MESSAGE', task_comment: 'TASK_COMMENT' },
};

type SeenContent = WitnessedText;

/** A reported event with its text taken out of the metadata (replaced by `textHash`). */
interface Extracted {
  input: AuditEventInput;
  content: SeenContent | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function entityTypeOf(action: string, targetType: string | null | undefined): ContentEntityType | null {
  const kind = CONTENT_ACTION.exec(action)?.[1];
  return (kind && targetType && TARGET_TYPES[kind]?.[targetType]) || null;
}

/**
 * Takes the text out of an edit seen in a page. An edit (`*.edited` with `metadata.text`) or a deletion
 * (`*.deleted` of a post, comment or message) becomes a content version; its audit event keeps
 * `metadata.textHash` instead of the text: texts belong to the edit history, which erasure deletes with
 * its subject, while audit events are kept for the audit retention (erasure only pseudonymises them).
 * Other events pass through untouched.
 */
export function extractContent(input: AuditEventInput, index: number): Extracted {
  const match = CONTENT_ACTION.exec(input.action);
  if (!match) return { input, content: null };
  const deleted = match[2] === 'deleted';
  const metadata = isRecord(input.metadata) ? input.metadata : null;
  const hasText = metadata !== null && Object.hasOwn(metadata, 'text');
  const entityType = entityTypeOf(input.action, input.targetType);
  // An edit reported without its text stays a plain audit event, as before.
  if (!hasText && (!deleted || entityType === null)) return { input, content: null };
  const field = `events.${index}`;
  if (entityType === null) {
    const allowed = Object.keys(TARGET_TYPES[match[1]!]!).join(' or ');
    throw new InvalidInputError(`${field}.targetType`, `A ${input.action} with a text names ${allowed}.`);
  }
  if (!input.targetId || !isPortalId(input.targetId))
    throw new InvalidInputError(`${field}.targetId`, 'Must be a portal id (a positive integer).');
  const ref = { entityType, entityId: input.targetId };
  if (deleted) {
    if (hasText) throw new InvalidInputError(`${field}.metadata.text`, 'A deletion carries no text.');
    return { input, content: { ...ref, text: '', deleted: true } };
  }
  const { text, ...rest } = metadata!;
  if (typeof text !== 'string') throw new InvalidInputError(`${field}.metadata.text`, 'Must be a string.');
  if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES)
    throw new InvalidInputError(`${field}.metadata.text`, `At most ${MAX_TEXT_BYTES} bytes (UTF-8).`);
  // PostgreSQL's text cannot hold NUL characters.
  if (text.includes('\u0000')) throw new InvalidInputError(`${field}.metadata.text`, 'No NUL characters.');
  return {
    input: { ...input, metadata: { ...rest, textHash: textHash(text) } },
    content: { ...ref, text, deleted: false },
  };
}

/**
 * The version a stored audit event stands for: only a report the portal confirmed (`metadata.confirmed`),
 * as seen by its actor; null for a plain or an unconfirmed event.
 */
function versionFor(record: AuditRecord, texts: ReadonlyMap<string, string>): RecordVersionInput | null {
  const entityType = entityTypeOf(record.action, record.targetType);
  if (entityType === null || record.targetId === null || record.metadata.confirmed !== true) return null;
  const text = texts.get(String(record.metadata.textHash));
  if (text === undefined || record.actor === null) return null;
  return {
    entityType,
    entityId: record.targetId,
    text,
    editedAt: record.occurredAt,
    // A page does not say who edited; it says who saw it: the reporter.
    editor: null,
    witnessedBy: Number(record.actor),
    sessionKey: record.sessionKey,
    source: (VERSION_SOURCES as readonly string[]).includes(record.source)
      ? (record.source as VersionSource)
      : 'api',
    skipAuditEvent: true,
  };
}

/**
 * Marks every content report of a user with whether the portal confirmed it (never what the sender says):
 * `confirmed` true only for a text the portal has now (confirm-witnessed.ts).
 */
function markConfirmed(extracted: Extracted[], confirmed: ReadonlySet<string>): AuditEventInput[] {
  return extracted.map(({ input, content }) => {
    // Metadata that is not an object is left for validation to refuse.
    if (!CONTENT_ACTION.test(input.action) || !(input.metadata == null || isRecord(input.metadata)))
      return input;
    const metadata = input.metadata ?? {};
    const ok = content !== null && confirmed.has(witnessKey(content));
    return { ...input, metadata: { ...metadata, confirmed: ok } };
  });
}

/**
 * `recordEvents` with edits seen in pages: every stored event that carries a text (or reports a deletion)
 * also stores a content version, in the same transaction, without a second audit event. Validation
 * (texts included) happens before anything is written, so a bad batch stores nothing. A retried batch
 * (same idempotency keys) stores no event and so no version; the same text seen again is no new version.
 */
export async function recordEventsWithEdits(
  services: { audit: AuditService; edits: EditHistoryService; portal: PortalConnection },
  em: EntityManager,
  principal: Principal,
  request: { ip: string; userAgent: string | null },
  inputs: readonly AuditEventInput[],
  now = new Date(),
): Promise<RecordOutcome> {
  // Content actions are the product's own (RESERVED_ACTION_NAMESPACES): integrators are refused them.
  if (principal.kind !== 'user') return recordEvents(services.audit, em, principal, request, inputs, now);
  const extracted = inputs.map(extractContent);
  const contents = extracted.flatMap((e) => (e.content ? [e.content] : []));
  const textBytes = contents.reduce((sum, c) => sum + Buffer.byteLength(c.text, 'utf8'), 0);
  if (textBytes > MAX_BATCH_TEXT_BYTES)
    throw new InvalidInputError('events', `At most ${MAX_BATCH_TEXT_BYTES} bytes of text per call.`);
  // Asked before the transaction: a transaction never waits on the network.
  const confirmedKeys = await confirmWitnessed(services.portal, principal.userId, contents);
  const stripped = markConfirmed(extracted, confirmedKeys);
  const confirmed = contents.filter((c) => confirmedKeys.has(witnessKey(c)));
  if (confirmed.length === 0) return recordEvents(services.audit, em, principal, request, stripped, now);
  const texts = new Map(confirmed.map((c) => [textHash(c.text), c.text]));
  return em.transactional(async (tx) => {
    // Item locks before the chain lock, the order recordVersion and its audit hook take them in.
    const items = [...new Map(confirmed.map((c) => [`${c.entityType}:${c.entityId}`, c])).entries()];
    items.sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [, item] of items) await lockItem(tx, item);
    let stored: AuditRecord[] = [];
    const audit = {
      append: async (...args: Parameters<AuditService['append']>) => {
        stored = await services.audit.append(...args);
        return stored;
      },
    };
    const outcome = await recordEvents(audit, tx, principal, request, stripped, now);
    for (const record of stored) {
      const version = versionFor(record, texts);
      if (version) await services.edits.record(tx, version);
    }
    return outcome;
  });
}
