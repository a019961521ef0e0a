import { createHash, randomUUID } from 'node:crypto';
import { type AuditRecord, SEALABLE_FIELDS, type SealableField, type SealKind } from './audit-record.ts';
import { canonicalJson } from './canonical-json.ts';

/** The `prevHash` of the first event ever written. */
export const GENESIS_HASH = '0'.repeat(64);

/** A keyed hash; `AppSecret.mac` in production. */
export type Mac = (purpose: string, value: string) => string;

/**
 * HOW THE CHAIN SURVIVES PSEUDONYMISATION
 *
 * hash = SHA-256(prevHash ‖ RFC 8785 canonical JSON of the event). In that JSON, each column that identifies
 * a person (SEALABLE_FIELDS: actor, on-behalf-of, target id, session key, IP, user agent) appears not as
 * its value but as a per-event keyed commitment: HMAC(app secret, "audit-seal" ‖ event id ‖ field ‖ value).
 * The metadata, which may hold personal data too (a free-text reason, a user id), is committed the same
 * way, its value being its canonical JSON. Erasure may then replace a value (a user id by `anon:…`, an IP
 * by null, metadata by its pseudonymised form: audit-metadata-rule.ts) and store the commitment it had in
 * the row's `sealed` column; the verifier uses the stored commitment for sealed fields and recomputes it
 * from the value for all others. So a pseudonymised row still verifies, a changed plain value does not
 * (forging its commitment needs the key), and the commitments are useless to anyone without the key: they
 * are salted per event, so they cannot be brute-forced over the small space of user ids (or guessed
 * metadata) or linked across events. `seq` is not hashed: order is fixed by `prevHash`, which lets the
 * verifier tell "reordered" from "changed".
 *
 * What the hash cannot protect is a sealed value, since it was replaced on purpose. So erasure also stores
 * keyed commitments of what it left: of the replaced columns' new values together (`sealed.pseudonymised
 * Columns`, field "pseudonymisedColumns"), or a sealed actor could be rewritten to another, real user, and
 * of the metadata (`sealed.pseudonymisedMetadata`). The verifier checks both (`sealsIntact`): changing what
 * erasure left, or dropping its seal, is named as well, by anyone without the key.
 *
 * Digest version: v2 commits the metadata; v1 (until 2026-11-23) hashed it as plain JSON. There were no
 * production deployments, so the switch is clean and the verifier knows v2 only: a development database
 * with v1 events fails verification at its first event and must be reset (README, "Digest versions").
 */
export const DIGEST_VERSION = 2;

export function eventDigest(event: HashedFields, commitments: Commitments): object {
  return {
    v: DIGEST_VERSION,
    id: event.id,
    occurredAt: event.occurredAt.toISOString(),
    receivedAt: event.receivedAt.toISOString(),
    action: event.action,
    targetType: event.targetType,
    source: event.source,
    idempotencyKey: event.idempotencyKey,
    ...commitments,
  };
}

export type HashedFields = Omit<AuditRecord, 'seq' | 'hash' | 'prevHash'>;
/** What the hash covers instead of the personal fields: a commitment each (null for a null column). */
export type Commitments = Record<SealableField, string | null> & { metadata: string };
type Committed = Pick<AuditRecord, 'id' | 'sealed' | 'metadata' | SealableField>;

/**
 * The keyed part of the hash input; it needs no chain position, so writers make it before taking the lock.
 * One HMAC per non-null column and one for the metadata (whose canonical JSON is made here, once).
 */
export function commitmentsOf(event: Committed, mac: Mac): Commitments {
  const commitments = {
    metadata: event.sealed?.metadata ?? commitMetadata(event.id, event.metadata, mac),
  } as Commitments;
  for (const field of SEALABLE_FIELDS) commitments[field] = commitmentOf(event, field, mac);
  return commitments;
}

/** The commitment the hash covers for one field: the sealed one, or one made from the plain value. */
export function commitmentOf(
  event: Pick<AuditRecord, 'id' | 'sealed' | SealableField>,
  field: SealableField,
  mac: Mac,
): string | null {
  const sealed = event.sealed?.[field];
  if (sealed) return sealed;
  const value = event[field];
  return value === null ? null : commit(event.id, field, value, mac);
}

/** The commitment of metadata as it is now: what the hash covers until erasure seals it. */
export function commitMetadata(eventId: string, metadata: Record<string, unknown>, mac: Mac): string {
  return commit(eventId, 'metadata', canonicalJson(metadata), mac);
}

/**
 * Erasure's keyed commitment of the metadata it left in a row, under its own field name, so it can be
 * neither taken for nor copied from the commitment the chain hash covers.
 */
export function commitPseudonymisedMetadata(
  eventId: string,
  metadata: Record<string, unknown>,
  mac: Mac,
): string {
  return commit(eventId, 'pseudonymisedMetadata', canonicalJson(metadata), mac);
}

/** Erasure's keyed commitment of the values it left in the columns it sealed (`fields`). */
export function commitPseudonymisedColumns(
  event: Pick<AuditRecord, 'id' | SealableField>,
  fields: readonly SealableField[],
  mac: Mac,
): string {
  const values = Object.fromEntries(fields.map((field) => [field, event[field]]));
  return commit(event.id, 'pseudonymisedColumns', canonicalJson(values), mac);
}

/** The columns of a row that erasure sealed. */
export function sealedFields(sealed: AuditRecord['sealed']): SealableField[] {
  return SEALABLE_FIELDS.filter((field) => sealed?.[field]);
}

/** False when what erasure left in a row (columns or metadata) was changed, or its seal removed. */
export function sealsIntact(
  event: Pick<AuditRecord, 'id' | 'sealed' | 'metadata' | SealableField>,
  mac: Mac,
) {
  const { sealed } = event;
  if (!sealed) return true;
  const fields = sealedFields(sealed);
  if (fields.length > 0 && sealed.pseudonymisedColumns !== commitPseudonymisedColumns(event, fields, mac)) {
    return false;
  }
  if (!sealed.metadata) return true;
  return sealed.pseudonymisedMetadata === commitPseudonymisedMetadata(event.id, event.metadata, mac);
}

export function commit(eventId: string, field: SealableField | SealKind, value: string, mac: Mac): string {
  return mac('audit-seal', `${eventId}\u0000${field}\u0000${value}`);
}

export function chainHash(prevHash: string, event: HashedFields, mac: Mac): string {
  return hashWith(prevHash, event, commitmentsOf(event, mac));
}

export function hashWith(prevHash: string, event: HashedFields, commitments: Commitments): string {
  return chainHashOf(prevHash, leafBytes(event, commitments));
}

/**
 * The event's canonical hashed content: the RFC 8785 JSON of its digest, keyed commitments in place of
 * personal values. The chain hashes it after `prevHash`; it is the event's leaf in the Merkle tree
 * (audit-tree-store.ts), SHA-256(0x00 ‖ these bytes). No personal data: an auditor may be shown it.
 */
export function leafBytes(event: HashedFields, commitments: Commitments): string {
  return canonicalJson(eventDigest(event, commitments));
}

export function chainHashOf(prevHash: string, leaf: string): string {
  return createHash('sha256').update(prevHash).update(leaf).digest('hex');
}

/**
 * An event's hash input made before the chain lock is taken, which fixes only `prevHash` and `receivedAt`
 * (the database clock, read under the lock): the canonical JSON with `receivedAt` left out, as the text
 * before and after its value. Under the lock, `audit_append` then only hashes (`hashPrepared` in SQL); the
 * canonical JSON, the larger part of the work for a batch, is made by the writer's process beforehand.
 */
export interface PreparedDigest {
  head: string;
  tail: string;
}

/** Stands in for `receivedAt`; random per process, and `prepareDigest` checks it occurs exactly once. */
const RECEIVED_AT_MARK = `received-at-${randomUUID()}`;

export function prepareDigest(
  event: Omit<HashedFields, 'receivedAt'>,
  commitments: Commitments,
): PreparedDigest | null {
  return digestParts(event, commitments) ?? markedDigest(event, commitments);
}

/**
 * `canonicalJson(eventDigest(…))` written directly, its keys in their sorted order, split where the value
 * of `receivedAt` goes: no object to build, sort and walk per event (the metadata is in `commitments`, as
 * its commitment). Null when a field is not what `#prepare` makes (a string or null), and `markedDigest`
 * does it instead.
 */
function digestParts(event: Omit<HashedFields, 'receivedAt'>, c: Commitments): PreparedDigest | null {
  const { action, id, idempotencyKey, source, targetType } = event;
  const fields = [action, id, idempotencyKey, source, targetType, c.actor, c.onBehalfOf, c.targetId];
  fields.push(c.sessionKey, c.ip, c.userAgent);
  for (const value of fields) if (value !== null && typeof value !== 'string') return null;
  if (typeof c.metadata !== 'string' || Object.keys(c).length !== SEALABLE_FIELDS.length + 1) return null;
  const j = JSON.stringify;
  return {
    head:
      `{"action":${j(action)},"actor":${j(c.actor)},"id":${j(id)},"idempotencyKey":${j(idempotencyKey)},` +
      `"ip":${j(c.ip)},"metadata":${j(c.metadata)},"occurredAt":${j(event.occurredAt.toISOString())},` +
      `"onBehalfOf":${j(c.onBehalfOf)},"receivedAt":`,
    tail:
      `,"sessionKey":${j(c.sessionKey)},"source":${j(source)},"targetId":${j(c.targetId)},` +
      `"targetType":${j(targetType)},"userAgent":${j(c.userAgent)},"v":${DIGEST_VERSION}}`,
  };
}

/** The generic way: the canonical JSON of the digest with a mark for `receivedAt`, cut at the mark. */
function markedDigest(
  event: Omit<HashedFields, 'receivedAt'>,
  commitments: Commitments,
): PreparedDigest | null {
  const json = canonicalJson({
    ...eventDigest({ ...event, receivedAt: new Date(0) }, commitments),
    receivedAt: RECEIVED_AT_MARK,
  });
  const mark = JSON.stringify(RECEIVED_AT_MARK);
  const at = json.indexOf(mark);
  if (at < 0 || json.indexOf(mark, at + 1) >= 0) return null; // the event's own text holds the mark
  return { head: json.slice(0, at), tail: json.slice(at + mark.length) };
}

/**
 * The same value as `hashWith(prevHash, event, commitments)` for the event `prepared` was made from: the
 * definition `audit_append` (its migration) computes in the database, held to `hashWith` by a test.
 */
export function hashPrepared(prevHash: string, prepared: PreparedDigest, receivedAt: Date): string {
  const at = JSON.stringify(receivedAt.toISOString());
  return createHash('sha256').update(`${prevHash}${prepared.head}${at}${prepared.tail}`).digest('hex');
}
